#include "ipt/pipeline/dossier_save.hpp"

#include <system_error>

#include "document_lock.hpp"

namespace ipt::pipeline {

core::Result<bool> signing_begun(core::Store& store, const std::string& reference) {
  IPT_TRY(entries, store.audit_entries(reference));
  // Since the documents were last rendered (or the signatures restarted): a signature, or a
  // round cancelled (a save cut between the cancellation and the restart leaves just that).
  bool since_render = false;
  for (const auto& e : *entries) {
    if (e.action == "document.render" || e.action == "round.restart") since_render = false;
    if (e.action == "document.sign" || e.action == "round.cancel") since_render = true;
  }
  SigningRequests requests(store, {}, {});
  const auto round = requests.show(reference);
  return since_render || (round && round->state == RoundState::open);
}

core::Result<SaveOutcome> save_dossier(core::Store& store, DossierDocuments& documents, SigningRequests& requests,
                                       const core::Dossier& dossier, const std::string& xml, const std::string& actor,
                                       const std::optional<std::string>& restart_reason) {
  // One save of a dossier at a time, across processes: two coordinators saving at once would
  // otherwise both see the round begun and restart it twice. The second waits, then finds the
  // first one's result.
  std::error_code ec;
  std::filesystem::create_directories(documents.folder(dossier.reference), ec);
  std::filesystem::permissions(documents.folder(dossier.reference), std::filesystem::perms::owner_all, ec);
  IPT_TRY(lock, detail::DocumentLock::acquire(documents.folder(dossier.reference) / "enregistrement"));
  const bool known = [&] {
    auto found = store.find_dossier(dossier.reference);
    return found && *found;
  }();
  bool begun = false;
  if (known) {
    IPT_TRY(b, signing_begun(store, dossier.reference));
    begun = *b;
  }
  std::string reason;
  if (restart_reason) {
    reason = *restart_reason;
    reason.erase(0, reason.find_first_not_of(" \t\r\n"));
  }
  if (begun && reason.empty()) {
    return core::fail(core::Category::refused,
                      "les signatures du dossier " + dossier.reference +
                          " ont commencé : l’enregistrer recommence le tour ; dites pourquoi pour confirmer",
                      {.field = "raison"});
  }
  IPT_TRY(imported, store.import_dossier(dossier, xml, actor));
  SaveOutcome out{*imported, false};
  // The import, the cancellation, the restart and its rendering are separate transactions. A
  // save cut between them leaves documents older than the dossier (which nobody may sign:
  // DossierDocuments::sign refuses them) or none; saving again, even unchanged, finishes it.
  IPT_TRY(current, documents.documents_current(dossier.reference));
  const bool stale = !*current;
  if (begun && (!imported->unchanged || stale)) {
    if (auto round = requests.show(dossier.reference); round && round->state == RoundState::open) {
      IPT_TRY_VOID(requests.cancel(dossier.reference, reason, actor));
    }
    IPT_TRY_VOID(documents.restart_round(dossier.reference, reason, actor));
    out.round_restarted = true;
  } else if (stale) {
    // Nothing signed on them: the documents are simply rendered again.
    IPT_TRY_VOID(documents.render(dossier.reference, actor));
  }
  return out;
}

}  // namespace ipt::pipeline
