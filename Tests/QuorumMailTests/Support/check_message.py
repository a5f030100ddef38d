#!/usr/bin/python3
"""Parses an .eml file with Python's standard email package and prints what the
tests check, as JSON: decoded headers, the MIME tree, the text and HTML bodies,
the inline images (Content-ID, size, SHA-256, whether PNG) and attachments,
and every raw line longer than 76 characters in a body (there should be none)."""
import email
import email.policy
import hashlib
import json
import struct
import sys
import zlib

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.default)


def valid_png(data):
    """A PNG whose chunks all pass their CRC and whose image data inflates to the size IHDR gives."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return False
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None:
        return False
    width, height, depth, colour = header[:4]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    try:
        return len(zlib.decompress(idat)) == height * (1 + (width * channels * depth + 7) // 8)
    except zlib.error:
        return False


def tree(part):
    node = {"type": part.get_content_type()}
    if part.is_multipart():
        node["parts"] = [tree(p) for p in part.iter_parts()]
    return node


result = {
    "subject": str(message["subject"]),
    "from": str(message["from"]),
    "to": str(message["to"]),
    "cc": str(message["cc"]) if message["cc"] else None,
    "bcc": str(message["bcc"]) if message["bcc"] else None,
    "date": str(message["date"]),
    "date_parsed": message["date"].datetime.isoformat() if message["date"] else None,
    "message_id": str(message["message-id"]),
    "snapshot": str(message["x-quorum-snapshot"]),
    "tree": tree(message),
    "defects": [str(d) for d in message.defects],
    "text": None,
    "html": None,
    "images": [],
    "attachments": [],
    "non_ascii_bytes": any(b > 127 for b in raw),
    "bare_newlines": raw.replace(b"\r\n", b"").count(b"\n"),
    "long_lines": [],
}
in_headers = True
for line in raw.split(b"\r\n"):
    if line == b"":
        in_headers = False
    if len(line) > 76 and not in_headers:
        result["long_lines"].append(line[:80].decode("ascii", "replace"))
for part in message.walk():
    if part.is_multipart():
        continue
    result["defects"] += [str(d) for d in part.defects]
    kind = part.get_content_type()
    disposition = part.get_content_disposition()
    if kind == "text/plain" and disposition is None:
        result["text"] = part.get_content()
    elif kind == "text/html":
        result["html"] = part.get_content()
    elif kind == "image/png":
        data = part.get_content()
        result["images"].append({"cid": str(part["content-id"]), "disposition": disposition, "size": len(data),
                                 "sha256": hashlib.sha256(data).hexdigest(),
                                 "png": valid_png(data), "filename": part.get_filename()})
    else:
        content = part.get_content()
        if isinstance(content, str):
            content = content.encode()
        result["attachments"].append({"type": kind, "filename": part.get_filename(), "disposition": disposition,
                                      "text": content.decode("utf-8", "replace"), "size": len(content),
                                      "sha256": hashlib.sha256(content).hexdigest()})
print(json.dumps(result))
