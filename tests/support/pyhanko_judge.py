"""Judges every signature of a PDF with pyHanko 0.25.1's validation and difference analysis.

Usage: pyhanko_judge.py PYHANKO_DIR ROOT.pem[:ROOT2.pem...] FILE.pdf
Prints one JSON object per signature: field, intact, valid, trusted, modification level,
docmdp_ok and, when the difference analysis could not explain a revision, its reason.
Exit status: 0 when every signature is judged valid (intact, valid, coverage and
modifications all accepted), 1 otherwise, 2 on a usage or import error.

Like ../shared/judges/pyhanko, it applies in process the upstream fix for pyHanko issue 721
(released in 0.35.2), without which 0.25.1 raises on a radio widget with a direct /AP /N.
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")

if len(sys.argv) != 4:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
sys.path.insert(0, sys.argv[1])

import pyhanko.sign.diff_analysis.rules.form_field_rules as rules  # noqa: E402

_original = rules._allow_in_place_appearance_update


def _patched(old_field, new_field, old, new, fq_name):
    if "/AS" in old_field:
        return
    yield from _original(old_field, new_field, old, new, fq_name=fq_name)


rules._allow_in_place_appearance_update = _patched

from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402
from pyhanko.keys import load_cert_from_pemder  # noqa: E402

roots = [load_cert_from_pemder(path) for path in sys.argv[2].split(":")]
all_valid = True
with open(sys.argv[3], "rb") as f:
    reader = PdfFileReader(f)
    for sig in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        is_timestamp = sig.sig_object.get("/Type") == "/DocTimeStamp"
        if is_timestamp:
            status = validate_pdf_timestamp(sig, validation_context=context)
        else:
            status = validate_pdf_signature(sig, context)
        level = getattr(status, "modification_level", None)
        result = {
            "field": sig.field_name,
            "timestamp": is_timestamp,
            "intact": bool(status.intact),
            "valid": bool(status.valid),
            "trusted": bool(status.trusted),
            "modification_level": level.name if level is not None else None,
            "docmdp_ok": getattr(status, "docmdp_ok", None),
            "bottom_line": bool(getattr(status, "bottom_line", status.valid and status.intact)),
        }
        diff = getattr(status, "diff_result", None)
        if diff is not None and level is None:
            result["diff"] = repr(diff)
        if level is not None and level.name == "OTHER":
            result["diff"] = repr(diff)
        ok = status.intact and status.valid and (is_timestamp or status.docmdp_ok is not False)
        if not is_timestamp and level is not None and level.name == "OTHER":
            ok = False
        result["judged_valid"] = bool(ok)
        all_valid = all_valid and ok
        print(json.dumps(result, ensure_ascii=False))
sys.exit(0 if all_valid else 1)
