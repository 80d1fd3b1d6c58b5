#!/usr/bin/env python3
"""A ClickHouse HTTP interface over chdb (the ClickHouse 26.x engine, in process).

The tests' real ClickHouse engine on machines with no container engine and no
server package recent enough: Tracelens' ClickHouse code talks to this exactly
as to a server (the `clickhouse` crate with its defaults: LZ4 both ways,
RowBinaryWithNamesAndTypes with schema validation, server-side parameters in
multipart bodies). Only the transport is emulated; every query runs in the
real engine on a data directory.

What it speaks (what the crate uses): GET /ping; the query in the `query` URL
parameter and/or the body; multipart/form-data bodies with `query` and
`param_*` fields; `database` and `default_format` (or the X-ClickHouse-
headers); other URL parameters as settings; INSERT data in the body, raw or
as native compressed blocks (`decompress=1`: LZ4, ZSTD or none, each with its
CityHash128 checksum); LZ4-framed responses for `Accept-Encoding: lz4`;
errors as `Code: N. DB::Exception: ...` with X-ClickHouse-Exception-Code and
ClickHouse's HTTP status; a user and password (X-ClickHouse-User/Key, Basic
auth or URL parameters; a wrong one is code 516, HTTP 403).

Usage: chdb_front.py --data DIR [--port 0] [--user default] [--password '']
                     [--tls-cert PEM --tls-key PEM]
Prints `listening on http://127.0.0.1:PORT` once ready. Only one process may
open a chdb data directory at a time.
"""

import argparse
import base64
import os
import re
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import chdb
import lz4.block
import lz4.frame
from clickhouse_cityhash.cityhash import CityHash128

VERSION = "26.9"
# ClickHouse's HTTP status for an exception code (the rest are 500).
STATUS = {
    516: 403, 192: 403, 194: 403, 497: 403,  # authentication, access
    60: 404, 81: 404,  # unknown table, unknown database
    62: 400, 47: 400, 46: 400, 36: 400, 27: 400, 26: 400, 6: 400, 53: 400, 70: 400, 117: 400, 394: 400,
    159: 500, 241: 500,  # timeout, memory limit
}
def raw_header(v):
    """A header as the client's bytes, read as UTF-8: http.server decodes
    headers as Latin-1, where ClickHouse compares the bytes themselves."""
    if v is None:
        return None
    try:
        return v.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return v


RESERVED = {"query", "database", "default_format", "decompress", "compress", "user", "password",
            "session_id", "session_timeout", "query_id", "role", "enable_http_compression"}


class ClickHouseError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def parse_chdb_error(e):
    text = str(e)
    m = re.search(r"Code: (\d+)\. (DB::Exception: .*)", text, re.S)
    if m:
        return ClickHouseError(int(m.group(1)), m.group(2).strip())
    return ClickHouseError(1001, f"DB::Exception: {text.strip()}")


class Engine:
    """One chdb connection; queries run one at a time, like a session."""

    def __init__(self, data):
        self.conn = chdb.connect(data)
        self.lock = threading.Lock()

    def run(self, sql, fmt, params, database, settings):
        with self.lock:
            try:
                self.conn.query(f"USE {quote_ident(database)}", "TabSeparated")
                for k, v in settings.items():
                    self.conn.query(f"SET {k} = {quote_setting(v)}", "TabSeparated")
                try:
                    res = self.conn.query(sql, fmt, params=params or None)
                    return res.bytes() if res is not None else b""
                finally:
                    for k in settings:
                        try:
                            self.conn.query(f"SET {k} = DEFAULT", "TabSeparated")
                        except Exception:  # noqa: BLE001 - a setting chdb lacks
                            pass
            except ClickHouseError:
                raise
            except Exception as e:  # noqa: BLE001 - chdb raises its own types
                raise parse_chdb_error(e) from None

    def insert(self, statement, fmt, data, database):
        with self.lock:
            try:
                self.conn.query(f"USE {quote_ident(database)}", "TabSeparated")
                ins = self.conn.send_insert(statement, fmt)
                ins.append(data)
                ins.finish()
            except Exception as e:  # noqa: BLE001
                raise parse_chdb_error(e) from None


def quote_ident(name):
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or ""):
        raise ClickHouseError(81, f"DB::Exception: Database {name!r} does not exist. (UNKNOWN_DATABASE)")
    return f"`{name}`"


def quote_setting(v):
    if re.fullmatch(r"-?\d+(\.\d+)?", v):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def decompress_blocks(body):
    """ClickHouse's native compressed blocks: checksum, method, sizes, payload."""
    out = bytearray()
    pos = 0
    while pos < len(body):
        if len(body) - pos < 25:
            raise ClickHouseError(271, "DB::Exception: Cannot decompress: truncated block header. (CANNOT_DECOMPRESS)")
        checksum = body[pos:pos + 16]
        method = body[pos + 16]
        compressed_size, size = struct.unpack_from("<II", body, pos + 17)
        block = body[pos + 16:pos + 16 + compressed_size]
        if len(block) != compressed_size:
            raise ClickHouseError(271, "DB::Exception: Cannot decompress: truncated block. (CANNOT_DECOMPRESS)")
        h = CityHash128(bytes(block))
        lo, hi = h & (2**64 - 1), h >> 64
        if checksum not in (struct.pack("<QQ", lo, hi), struct.pack("<QQ", hi, lo)):
            raise ClickHouseError(40, "DB::Exception: Checksum doesn't match: corrupted data. (CHECKSUM_DOESNT_MATCH)")
        payload = block[9:]
        if method == 0x82:
            out += lz4.block.decompress(bytes(payload), uncompressed_size=size)
        elif method == 0x90:
            import zstandard  # only when a client sends ZSTD
            out += zstandard.ZstdDecompressor().decompress(bytes(payload), max_output_size=size)
        elif method == 0x02:
            out += payload
        else:
            raise ClickHouseError(89, f"DB::Exception: Unknown compression method: {method:#x}. (UNKNOWN_COMPRESSION_METHOD)")
        pos += 16 + compressed_size
    return bytes(out)


def parse_multipart(content_type, body):
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise ClickHouseError(27, "DB::Exception: multipart body without a boundary. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)")
    boundary = b"--" + m.group(1).encode()
    fields = {}
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        nm = re.search(rb'name="([^"]*)"', head)
        if nm:
            fields[nm.group(1).decode()] = value[:-2] if value.endswith(b"\r\n") else value
    return fields


INSERT_FORMAT = re.compile(r"^\s*(INSERT\s+INTO\s+.*?)\s+FORMAT\s+(\w+)\s*$", re.I | re.S)
HAS_FORMAT = re.compile(r"\bFORMAT\s+\w+\s*;?\s*$", re.I)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"ClickHouse/{VERSION} (chdb front)"

    def log_message(self, fmt, *args):  # quiet: tests read stderr on failure only
        if self.server.verbose:
            sys.stderr.write("front: " + fmt % args + "\n")

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_request(self):
        try:
            body = self.read_body()
            url = urlsplit(self.path)
            if url.path in ("/ping", "/ping/"):
                return self.reply(200, b"Ok.\n", "text/plain; charset=UTF-8")
            if url.path not in ("/", ""):
                raise ClickHouseError(0, f"DB::Exception: There is no handle {url.path}. (UNKNOWN)")
            qs = dict(parse_qsl(url.query, keep_blank_values=True))
            self.authenticate(qs)
            fields = {}
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("multipart/form-data"):
                fields = parse_multipart(ctype, body)
                body = b""
            params = {k[6:]: v for k, v in qs.items() if k.startswith("param_")}
            params.update({k[6:]: v.decode() for k, v in fields.items() if k.startswith("param_")})
            database = qs.get("database") or self.headers.get("X-ClickHouse-Database") or "default"
            fmt = qs.get("default_format") or self.headers.get("X-ClickHouse-Format") or "TabSeparated"
            settings = {k: v for k, v in qs.items() if k not in RESERVED and not k.startswith("param_")}
            query = qs.get("query", "")
            if "query" in fields:
                query += fields["query"].decode()
            if qs.get("decompress") == "1" and body:
                body = decompress_blocks(body)
            ins = INSERT_FORMAT.match(query) if query else None
            if ins and body:
                self.server.engine.insert(ins.group(1), ins.group(2), body, database)
                return self.reply(200, b"", "text/plain; charset=UTF-8")
            if body:
                query = (query + "\n" if query else "") + body.decode()
            if not query.strip():
                raise ClickHouseError(62, "DB::Exception: Empty query. (SYNTAX_ERROR)")
            m = INSERT_FORMAT.match(query)
            if m is None and HAS_FORMAT.search(query):
                fmt = HAS_FORMAT.search(query).group(0).split()[1].rstrip(";")
            out = self.server.engine.run(query, fmt, params, database, settings)
            self.reply(200, out, "application/octet-stream" if "Binary" in fmt else "text/plain; charset=UTF-8")
        except ClickHouseError as e:
            status = STATUS.get(e.code, 500)
            msg = f"Code: {e.code}. {e}".rstrip()
            if "(version" not in msg:
                msg += f" (version {VERSION})"
            self.reply(status, (msg + "\n").encode(), "text/plain; charset=UTF-8",
                       {"X-ClickHouse-Exception-Code": str(e.code)})
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # noqa: BLE001 - a bug here must still answer
            traceback.print_exc()
            self.reply(500, f"Code: 1001. DB::Exception: front: {e}\n".encode(), "text/plain",
                       {"X-ClickHouse-Exception-Code": "1001"})

    def authenticate(self, qs):
        user = raw_header(self.headers.get("X-ClickHouse-User")) or qs.get("user")
        password = raw_header(self.headers.get("X-ClickHouse-Key")) or qs.get("password")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                user, password = "", ""
        user = user or "default"
        password = password or ""
        if user != self.server.user or password != self.server.password:
            raise ClickHouseError(516, f"DB::Exception: {user}: Authentication failed: password is incorrect, "
                                       "or there is no user with such name. (AUTHENTICATION_FAILED)")

    def reply(self, status, data, ctype, headers=None):
        enc = None
        if status == 200 and data and "lz4" in self.headers.get("Accept-Encoding", "").lower():
            data = lz4.frame.compress(data)
            enc = "lz4"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-ClickHouse-Server-Display-Name", "chdb-front")
        if enc:
            self.send_header("Content-Encoding", enc)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default="default")
    ap.add_argument("--password", default="")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tls-cert", help="serve https with this PEM certificate chain (and --tls-key)")
    ap.add_argument("--tls-key")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="stop when the process that started this one ends (test harnesses)")
    a = ap.parse_args()
    if a.exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.engine = Engine(a.data)
    srv.user, srv.password, srv.verbose = a.user, a.password, a.verbose
    scheme = "http"
    if a.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    print(f"listening on {scheme}://127.0.0.1:{srv.server_address[1]}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
