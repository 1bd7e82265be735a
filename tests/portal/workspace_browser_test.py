#!/usr/bin/python3
"""The coordinators' workspace in a real browser: headless Chromium at a phone's width, the
same driver, spool reader and axe-core checks as browser_test.py. A coordinator logs in with
the keyboard alone (address, password, then the code read from the SMTP server's spool),
opens a new procedure-C dossier's form, fills it with the values given (two of them wrong),
sends it, sees the two problems by their fields and corrects them with the keyboard, saves,
opens the signing round from the dossier's page; the pole's signatory (herself) signs through
her invitation; back on the list, the dossier now awaits the next signatory.

Every page seen is screenshot and judged by axe-core: a serious or critical violation, or a
page wider than the phone, fails the run (exit 1) once the journey is done; a journey that
cannot go on exits 2.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser_test as common  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

expect = common.expect


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("url", "spool", "screenshots", "axe", "email", "password", "values", "reference", "wrong", "admin"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--timeout", type=float, default=30.0)
    args = p.parse_args()
    args.url = args.url.rstrip("/")
    return args


def type_into(browser, name, value, what):
    """Tab to the field `name`, select what it holds, type `value`: the keyboard alone."""
    field = browser.driver.find_element(By.NAME, name)
    browser.tab_to([field], what)
    ActionChains(browser.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    browser.press(value)
    return field


def log_in(browser, spool, args, email=None, shots=True):
    email = email or args.email
    d = browser.driver
    browser.open("/espace")
    expect(d.current_url.endswith("/espace/connexion"), "sans session, /espace ne mène pas à la connexion : %s" % d.current_url)
    if shots:
        browser.check_page("espace-connexion")
    type_into(browser, "courriel", email, "le champ de l’adresse")
    type_into(browser, "mot_de_passe", args.password, "le champ du mot de passe")
    browser.navigate(lambda: browser.press(Keys.ENTER))
    expect(d.current_url.endswith("/espace/code"), "le mot de passe ne mène pas au code : %s" % d.current_url)
    if shots:
        browser.check_page("espace-code")
    text = spool.next_to(email, "Votre code de connexion – IPT Dossiers")
    code = text.split("coordinateurs est : ")[1][:6]
    type_into(browser, "code", code, "le champ du code")
    browser.navigate(lambda: browser.press(Keys.ENTER))
    expect(browser.heading() == "Les dossiers du pôle", "le code ne mène pas à la liste : %s" % browser.heading())
    if shots:
        browser.check_page("espace-liste")


def create_dossier(browser, args):
    d = browser.driver
    with open(args.values, encoding="utf-8") as f:
        values = json.load(f)
    with open(args.wrong, encoding="utf-8") as f:
        wrong = json.load(f)  # field → [wrong value, right value]
    browser.navigate(d.find_element(By.LINK_TEXT, "Nouveau dossier").click)
    browser.check_page("espace-nouveau")
    select = d.find_element(By.ID, "procedure")
    d.execute_script("arguments[0].value = 'C'", select)
    browser.navigate(d.find_element(By.XPATH, "//button[normalize-space()='Ouvrir le formulaire']").click)
    expect(browser.heading() == "Nouveau dossier", "pas de formulaire : %s" % browser.heading())
    browser.check_page("espace-formulaire-vide")
    # The many values by script (the keyboard's turn comes with the corrections).
    for name, value in values.items():
        given = wrong[name][0] if name in wrong else value
        fields = d.find_elements(By.NAME, "champ:" + name)
        expect(fields, "le formulaire n’a pas de champ %s" % name)
        d.execute_script("arguments[0].value = arguments[1]", fields[0], given)
    browser.navigate(d.find_element(By.XPATH, "//button[normalize-space()='Enregistrer le dossier']").click)
    summary = d.find_element(By.CSS_SELECTOR, "div.alerte[role=alert]").text
    expect("%d problème(s) à corriger" % len(wrong) in summary, "le résumé des problèmes dit : %s" % summary)
    for name in wrong:
        field = d.find_element(By.NAME, "champ:" + name)
        expect(field.get_attribute("aria-invalid") == "true", "%s n’est pas marqué en erreur" % name)
        message = d.find_element(By.ID, field.get_attribute("aria-describedby")).text
        print("problème montré à côté de %s : %s" % (name, message), flush=True)
    browser.check_page("espace-formulaire-erreurs")
    for name, (_, right) in wrong.items():
        type_into(browser, "champ:" + name, right, "le champ " + name)
    save = d.find_element(By.XPATH, "//button[normalize-space()='Enregistrer le dossier']")
    browser.tab_to([save], "le bouton « Enregistrer le dossier »")
    browser.navigate(lambda: browser.press(Keys.ENTER))
    expect(browser.heading() == "Dossier " + args.reference, "l’enregistrement ne mène pas au dossier : %s" % browser.heading())
    browser.check_page("espace-dossier")


def journey(args):
    def run(browser, spool):
        common.REFERENCE = args.reference
        log_in(browser, spool, args)
        create_dossier(browser, args)
        d = browser.driver
        browser.navigate(d.find_element(By.XPATH, "//button[normalize-space()='Ouvrir le tour de signature']").click)
        expect("Tour de signature ouvert" in d.page_source, "le tour ne s’ouvre pas : %s" % d.find_element(By.TAG_NAME, "main").text)
        browser.check_page("espace-tour-ouvert")
        common.sign(browser, spool, "pole", args.email)
        browser.open("/espace")
        row = d.find_element(By.XPATH, "//tr[th/a[normalize-space()='%s']]" % args.reference).text
        print("ligne du dossier après la signature du pôle : %s" % row, flush=True)
        expect("à signer" in row and "Jean-François Renard (ecole-ordinaire)" in row,
               "la liste n’attend pas le directeur après la signature du pôle : %s" % row)
        browser.check_page("espace-liste-apres")
        # The dossier's form while its round has begun: it asks why the round would restart.
        browser.open("/espace/dossiers/%s/modifier" % args.reference)
        expect("Pourquoi recommencer le tour" in d.page_source, "le formulaire ne demande pas la raison de la reprise")
        browser.check_page("espace-modifier-tour-commence")
        # Logging out, then the administrator's accounts page.
        browser.open("/espace")
        logout = d.find_element(By.XPATH, "//button[normalize-space()='Se déconnecter']")
        browser.tab_to([logout], "le bouton « Se déconnecter »")
        browser.navigate(lambda: browser.press(Keys.ENTER))
        expect("vous êtes déconnecté" in d.page_source, "la déconnexion ne le dit pas")
        browser.check_page("espace-deconnecte")
        log_in(browser, spool, args, args.admin, shots=False)
        browser.navigate(d.find_element(By.LINK_TEXT, "Les comptes").click)
        expect(browser.heading() == "Les comptes de l’espace", "pas de page des comptes : %s" % browser.heading())
        browser.check_page("espace-comptes")
    return run


def main():
    args = parse_args()
    return common.run_journey(args, journey(args), lambda b: "parcours complet : %d pages sans violation grave ou critique" % b.shots)


if __name__ == "__main__":
    sys.exit(main())
