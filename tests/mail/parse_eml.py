#!/usr/bin/python3
"""Reads one received message with Python's email package (an independent MIME parser) and
prints what the tests check, as JSON: decoded headers, and for each leaf part its type,
charset, transfer encoding, file name, and either its decoded text or the SHA-256 of its
decoded bytes (written to --save-attachments DIR/<filename> when asked)."""
import email
import email.policy
import hashlib
import json
import os
import sys


def main():
    path = sys.argv[1]
    save = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--save-attachments" else None
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {
        "subject": str(msg["subject"]),
        "from": str(msg["from"]),
        "to": str(msg["to"]),
        "cc": str(msg["cc"]) if msg["cc"] else "",
        "message_id": str(msg["message-id"]),
        "date": str(msg["date"]),
        "mime_version": str(msg["mime-version"]),
        "content_type": msg.get_content_type(),
        "defects": [type(d).__name__ for d in msg.defects],
        "raw_subject": msg.get("subject").__class__.__name__,
        "parts": [],
    }
    for part in msg.walk():
        if part.is_multipart():
            continue
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset() or "",
            "transfer_encoding": part.get("content-transfer-encoding", ""),
            "filename": part.get_filename() or "",
            "defects": [type(d).__name__ for d in part.defects],
        }
        payload = part.get_payload(decode=True)
        if part.get_content_maintype() == "text":
            entry["text"] = payload.decode(entry["charset"] or "ascii")
        else:
            entry["sha256"] = hashlib.sha256(payload).hexdigest()
            entry["size"] = len(payload)
            if save and entry["filename"]:
                with open(os.path.join(save, entry["filename"]), "wb") as f:
                    f.write(payload)
        out["parts"].append(entry)
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
