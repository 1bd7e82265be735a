"""Signs one existing signature field of a PDF with pyHanko 0.25.1, as a signatory would in
another tool (Acrobat Reader with a Belgian eID): one incremental revision.

Usage: pyhanko_sign_field.py PYHANKO_DIR IN.pdf OUT.pdf FIELD KEY.p12 PASSWORD TSA_URL [STYLE]
STYLE says how the revision's cross-reference section is written:
  table        a classic table (the default: pyHanko keeps the style of the file it updates)
  acrobat      a cross-reference stream as Adobe's PDF library writes one: /W [1 3 1],
               FlateDecode over PNG "Up" prediction (/Predictor 12 /Columns 5)
  pyhanko      a cross-reference stream as pyHanko writes one: /W [1 8 2], FlateDecode
Exit status: 0 when written, 1 when pyHanko refused, 2 on a usage error.
"""
import sys
import warnings

warnings.filterwarnings("ignore")

if len(sys.argv) not in (8, 9) or (len(sys.argv) == 9 and sys.argv[8] not in ("table", "acrobat", "pyhanko")):
    print(__doc__, file=sys.stderr)
    sys.exit(2)
sys.path.insert(0, sys.argv[1])

from io import BytesIO  # noqa: E402

from pyhanko.pdf_utils import generic, xref  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers, timestamps  # noqa: E402

source, target, field, p12, password, tsa_url = sys.argv[2:8]
style = sys.argv[8] if len(sys.argv) == 9 else "table"


def write_acrobat_style(self, stream, handler=None, container_ref=None):
    """XRefStream.write_to_stream with 3-byte offsets and PNG Up prediction."""
    index = [0, 1]
    rows = [bytes([0, 0, 0, 0, 0xFF])]
    for first, subsection in xref._contiguous_xref_chunks(self.position_dict):
        index += [first, len(subsection)]
        for position, generation in subsection:
            if isinstance(position, tuple) or position >= 1 << 24 or generation > 255:
                raise ValueError("entrée hors du format /W [1 3 1]")
            rows.append(bytes([1]) + position.to_bytes(3, "big") + bytes([generation]))
    predicted = BytesIO()
    previous = bytes(5)
    for row in rows:
        predicted.write(b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, previous)))
        previous = row
    self[generic.pdf_name("/W")] = generic.ArrayObject(map(generic.NumberObject, (1, 3, 1)))
    self[generic.pdf_name("/Index")] = generic.ArrayObject(map(generic.NumberObject, index))
    self[generic.pdf_name("/DecodeParms")] = generic.DictionaryObject(
        {generic.pdf_name("/Columns"): generic.NumberObject(5), generic.pdf_name("/Predictor"): generic.NumberObject(12)}
    )
    self._data = predicted.getvalue()
    self._encoded_data = None
    generic.StreamObject.write_to_stream(self, stream, None)


if style == "acrobat":
    xref.XRefStream.write_to_stream = write_acrobat_style

try:
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=password.encode())
    if signer is None:
        raise ValueError("PKCS#12 illisible")
    with open(source, "rb") as f:
        writer = IncrementalPdfFileWriter(f, strict=False)
        # pyHanko keeps the style of the last revision; Acrobat may not.
        writer.stream_xrefs = style != "table"
        with open(target, "wb") as out:
            signers.sign_pdf(
                writer,
                signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES),
                signer=signer,
                timestamper=timestamps.HTTPTimeStamper(tsa_url),
                output=out,
            )
except Exception as e:  # pyHanko's refusal, reported to the test
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
