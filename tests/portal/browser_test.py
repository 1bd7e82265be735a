#!/usr/bin/python3
"""The signer portal in a real browser: headless Chromium at a phone's width, driven by
Selenium through Debian's chromedriver, with axe-core judging the accessibility of every page.

The four partners of the procedure-C example's Annexe 4 sign in the plan's order. For each,
the invitation is read from the SMTP test server's spool (tests/mail/smtp_test_server.py:
<n>.eml, renamed into place once complete), its link opened, a code asked for, the code mail
read, the code typed and sent with Enter, their part filled (the CPMS: « AVIS FAVORABLE » and a
written opinion), the consent box ticked and « Signer » pressed; the thank-you page must say
so. The CPMS does all of it with the keyboard alone (Tab, arrows, Space, Enter). An unknown
link and a spent one show their error pages.

Every page seen is screenshot (whole page, PNG) into the screenshot folder and checked with
axe-core; any violation of impact serious or critical, or a page wider than the phone, fails
the run (exit status 1) once the journey is finished, each printed. A journey that cannot go
on exits 2.

Arguments, or the environment variable named in each option's help.
"""
import argparse
import base64
import email
import email.policy
import os
import re
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.wait import WebDriverWait

REFERENCE = "PT-LIEGE-2026-0002"
CPMS_OPINION = "Le CPMS est favorable à la fin de l’intégration : les objectifs du projet sont atteints."
# The plan's order for the Annexe 4 (pole first); the CPMS signs with the keyboard alone.
SIGNATORIES = [
    ("pole", "marie.lambert@pole-liege.example.be"),
    ("ecole", "direction@ec-sainte-walburge.example.be"),
    ("cpms", "s.martin@cpms-liege2.example.be"),
    ("responsable", "helene.duboeuf@example.be"),
]
KEYBOARD_ONLY = "cpms"
SERIOUS = ("serious", "critical")


class JourneyError(Exception):
    """The journey cannot go on: a page, a mail or an element is not what it should be."""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("IPT_PORTAL_URL"), help="the portal, http://127.0.0.1:PORT (IPT_PORTAL_URL)")
    p.add_argument("--spool", default=os.environ.get("IPT_SMTP_SPOOL"), help="the SMTP server's spool folder (IPT_SMTP_SPOOL)")
    p.add_argument("--screenshots", default=os.environ.get("IPT_SCREENSHOTS"), help="where the screenshots go (IPT_SCREENSHOTS)")
    p.add_argument("--axe", default=os.environ.get("IPT_AXE_JS"), help="axe-core's axe.min.js (IPT_AXE_JS)")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a mail or a page")
    args = p.parse_args()
    for name in ("url", "spool", "screenshots", "axe"):
        if not getattr(args, name):
            p.error("--%s manquant (ou sa variable d’environnement)" % name)
    args.url = args.url.rstrip("/")
    return args


class Spool:
    """The SMTP test server's received messages, read in arrival order with Python's email package."""

    def __init__(self, folder, timeout):
        self.folder = folder
        self.timeout = timeout
        self.seen = 0  # messages already looked at

    def _message(self, n):
        path = os.path.join(self.folder, "%d.eml" % n)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return email.message_from_bytes(f.read(), policy=email.policy.default)

    def next_to(self, address, subject):
        """The next message to `address` whose subject starts with `subject`; the ones skipped
        on the way (to others) are not looked at again."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            m = self._message(self.seen + 1)
            if m is None:
                time.sleep(0.05)
                continue
            self.seen += 1
            if address in str(m["to"]) and str(m["subject"]).startswith(subject):
                return m.get_body(preferencelist=("plain",)).get_content()
        raise JourneyError("aucun message « %s » pour %s après %d messages" % (subject, address, self.seen))


class Browser:
    def __init__(self, args):
        self.args = args
        self.shots = 0
        self.problems = []  # serious and critical violations, as printable lines
        with open(args.axe, encoding="utf-8") as f:
            self.axe_source = f.read()
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in ("--headless=new", "--no-sandbox", "--window-size=412,915", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--lang=fr-BE",
                     # Nothing leaves the machine: every host but the loopback is unknown.
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
        # Headless Chromium keeps its window at least 500 px wide whatever --window-size says:
        # the phone's viewport (412 × 915 CSS pixels, touch, meta viewport honoured) is emulated.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True})
        self.driver.set_page_load_timeout(args.timeout)
        self.driver.set_script_timeout(args.timeout)

    def quit(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(self.args.url + path)

    def navigate(self, action):
        """Does `action` (a click, a key) and waits for the page it leads to."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        wait = WebDriverWait(self.driver, self.args.timeout)
        wait.until(lambda d: page_left(old))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def check_page(self, name):
        """Screenshot of the whole page, then axe-core over it."""
        self.shots += 1
        file = os.path.join(self.args.screenshots, "%02d-%s.png" % (self.shots, name))
        # The previews load lazily: scroll to the end so that they are in the picture.
        self.driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        deadline = time.monotonic() + self.args.timeout
        while not self.driver.execute_script("return Array.from(document.images).every(i => i.complete)"):
            if time.monotonic() > deadline:
                raise JourneyError("%s : des images ne se chargent pas" % name)
            time.sleep(0.05)
        self.driver.execute_script("window.scrollTo(0, 0)")
        size = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})
        with open(file, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        if size[0] > 412:
            self.problems.append("%s : la page déborde en largeur (%d px pour un écran de 412 px)" % (name, size[0]))
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done({violations: r.violations, passes: r.passes.length,"
            "                                  incomplete: r.incomplete.map(i => i.id)}),"
            "                       e => done({error: String(e)}));")
        if "error" in result:
            raise JourneyError("%s : axe-core a échoué : %s" % (name, result["error"]))
        for v in result["violations"]:
            where = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            line = "%s : [%s] %s — %s (%s) %s" % (name, v["impact"], v["id"], v["help"], where, v["helpUrl"])
            print(("AXE " if v["impact"] in SERIOUS else "axe (non bloquant) ") + line, flush=True)
            if v["impact"] in SERIOUS:
                self.problems.append(line)
        print("page %s : %s, %d règles axe respectées, %d violations, à revoir à la main : %s" %
              (name, file, result["passes"], len(result["violations"]), ", ".join(result["incomplete"]) or "rien"),
              flush=True)

    # The keyboard alone.
    def press(self, *keys):
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, targets, what):
        """Presses Tab, from wherever the focus is, until one of `targets` has it; the focused one."""
        for presses in range(1, 81):
            self.press(Keys.TAB)
            active = self.driver.switch_to.active_element
            for t in targets:
                if t == active:
                    print("clavier : %s atteint en %d × Tab" % (what, presses), flush=True)
                    return t
        raise JourneyError("%s : jamais atteint avec Tab" % what)


def page_left(old):
    """Whether the page `old` (its <html>) belongs to has been replaced. While the new document
    takes the old one's place, ChromeDriver may answer "Node with given id does not belong to
    the document" (an unknown error) rather than a stale element: the old page is gone either
    way (seen on a loaded machine, Chromium 156)."""
    try:
        old.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def link_in(text, url):
    found = re.search(re.escape(url) + r"/s/[A-Za-z0-9_-]{43}", text)
    if not found:
        raise JourneyError("pas de lien vers le portail dans : %s" % text)
    return found.group(0)[len(url):]


def code_in(text):
    found = re.search(r"code de confirmation est : ([0-9]{6})", text)
    if not found:
        raise JourneyError("pas de code dans : %s" % text)
    return found.group(1)


def expect(condition, message):
    if not condition:
        raise JourneyError(message)


def sign(browser, spool, who, address):
    d = browser.driver
    keyboard = who == KEYBOARD_ONLY
    link = link_in(spool.next_to(address, "Signature demandée – dossier " + REFERENCE), browser.args.url)
    browser.open(link)
    expect(REFERENCE in browser.heading(), "%s : page d’invitation inattendue : %s" % (who, browser.heading()))
    browser.check_page(who + "-invitation")

    ask = d.find_element(By.XPATH, "//button[normalize-space()='Recevoir un code par courriel']")
    if keyboard:
        browser.tab_to([ask], "le bouton « Recevoir un code par courriel »")
        browser.navigate(lambda: browser.press(Keys.ENTER))
    else:
        browser.navigate(ask.click)
    expect(d.current_url.endswith("?code=envoye"), "%s : pas de page « code envoyé » : %s" % (who, d.current_url))
    expect("Un code vous a été envoyé par courriel." in d.page_source, "%s : l’envoi du code n’est pas annoncé" % who)
    browser.check_page(who + "-code")

    code = code_in(spool.next_to(address, "Votre code de confirmation – dossier " + REFERENCE))
    field = d.find_element(By.ID, "code")
    expect(d.find_element(By.CSS_SELECTOR, "label[for='code']").text == "Code reçu par courriel", "%s : le champ du code n’a pas son libellé" % who)
    if keyboard:
        browser.tab_to([field], "le champ du code")
        browser.press(code)
        browser.navigate(lambda: browser.press(Keys.ENTER))
    else:
        field.send_keys(code)
        browser.navigate(lambda: field.send_keys(Keys.ENTER))
    expect("Remplir votre partie et signer" in d.page_source, "%s : le code n’a pas été accepté : %s" % (who, d.page_source[-600:]))
    if who == "cpms":
        fill_cpms(browser, keyboard)
    browser.check_page(who + "-signature")

    consent = d.find_element(By.NAME, "consentement")
    sign_button = d.find_element(By.XPATH, "//button[normalize-space()='Signer']")
    if keyboard:
        browser.tab_to([consent], "la case de consentement")
        browser.press(Keys.SPACE)
        expect(consent.is_selected(), "%s : Espace ne coche pas la case de consentement" % who)
        browser.press(Keys.TAB)
        expect(d.switch_to.active_element == sign_button, "%s : après la case, Tab ne mène pas à « Signer »" % who)
        browser.navigate(lambda: browser.press(Keys.ENTER))
    else:
        consent.click()
        browser.navigate(sign_button.click)
    expect(browser.heading() == "Merci, votre signature est enregistrée",
           "%s : pas de remerciement, mais « %s » : %s" % (who, browser.heading(), d.find_element(By.TAG_NAME, "main").text))
    browser.check_page(who + "-merci")
    return link


def fill_cpms(browser, keyboard):
    """« AVIS FAVORABLE » and the written opinion, in the textarea labelled for avis_ecrit_cpms."""
    d = browser.driver
    favourable = d.find_element(By.XPATH, "//label[contains(normalize-space(), 'AVIS FAVORABLE')]/input[@type='radio']")
    label = d.find_element(By.CSS_SELECTOR, "label[for='champ-avis_ecrit_cpms']")
    opinion = d.find_element(By.ID, label.get_attribute("for"))
    expect(opinion.tag_name == "textarea", "le libellé de avis_ecrit_cpms ne désigne pas une zone de texte")
    if keyboard:
        radios = d.find_elements(By.NAME, "champ.avis_cpms")
        browser.tab_to(radios, "le choix de l’avis du CPMS")
        for _ in range(len(radios)):
            if d.switch_to.active_element == favourable:
                break
            browser.press(Keys.ARROW_DOWN)
        browser.press(Keys.SPACE)
        browser.tab_to([opinion], "la zone de texte de l’avis écrit")
    else:
        favourable.click()
        opinion.click()
    # The dossier's draft opinion is there already: replaced by what the CPMS types.
    ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(CPMS_OPINION).perform()
    expect(favourable.is_selected(), "« AVIS FAVORABLE » n’est pas coché")
    expect(opinion.get_attribute("value") == CPMS_OPINION, "l’avis écrit n’est pas celui tapé : %r" % opinion.get_attribute("value"))


def run_journey(args, journey, done):
    """Runs `journey(browser, spool)` in a fresh browser and reports: 0 when the journey ends
    with no serious or critical violation and no page too wide (`done(browser)` then says
    what was done), 1 when it ends with some, 2 when it cannot go on."""
    os.makedirs(args.screenshots, exist_ok=True)
    started = time.monotonic()
    spool = Spool(args.spool, args.timeout)
    browser = Browser(args)
    try:
        journey(browser, spool)
    except (JourneyError, WebDriverException) as e:
        print("ÉCHEC du parcours : %s" % e, file=sys.stderr, flush=True)
        try:
            browser.check_page("echec")
        except Exception:  # the failure is what matters; its screenshot is a bonus
            pass
        return 2
    finally:
        browser.quit()
        print("captures d’écran : %s" % os.path.abspath(args.screenshots), flush=True)
        print("durée du parcours : %.1f s" % (time.monotonic() - started), flush=True)
    if browser.problems:
        print("%d problème(s) : violations graves ou critiques, pages trop larges :" % len(browser.problems), file=sys.stderr)
        for p in browser.problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(done(browser))
    return 0


def four_signatures(browser, spool):
    browser.open("/s/" + "A" * 43)
    expect(browser.heading() == "Lien inconnu", "un lien inconnu montre « %s »" % browser.heading())
    browser.check_page("erreur-lien-inconnu")
    spent = None
    for who, address in SIGNATORIES:
        link = sign(browser, spool, who, address)
        spent = spent or link
    browser.open(spent)
    expect("vous avez déjà signé" in browser.driver.page_source, "un lien déjà signé ne le dit pas")
    browser.check_page("erreur-lien-utilise")


def main():
    return run_journey(parse_args(), four_signatures,
                       lambda b: "parcours complet : 4 signatures, %d pages sans violation grave ou critique" % b.shots)


if __name__ == "__main__":
    sys.exit(main())
