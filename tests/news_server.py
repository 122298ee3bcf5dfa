"""A real HTTP server on loopback serving the saved news pages (tests/data/news) and the ways a
fetch can go wrong: a redirect, a 404, a page that never comes, one too large, a PDF, an image,
a redirect to a cloud metadata address and one that never ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NEWS = Path(__file__).resolve().parent / "data" / "news"
PAGES = {
    "/gazette": "harbour-gazette.html",
    "/ledger": "valley-ledger.html",
    "/coastline": "coastline-weekly.html",
    "/coastline-again": "coastline-weekly.html",  # the same article at another address
}
PLAIN = (
    "The village hall in Brackenmoor will host a repair café every second Saturday, "
    "the parish council announced on Tuesday.\n\nVolunteers fix lamps, bicycles and clothes for free.\n"
)
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Island News Roundup</title><link>{base}/</link>
<item><title>Ferry back</title><link>{base}/gazette</link></item>
<item><title>Apples</title><link>ledger</link></item>
<item><title>Gone</title><link>{base}/nowhere</link></item>
<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>
<item><title>A report</title><link>{base}/report.pdf</link></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast and village</title>
<entry><title>Seabirds</title><link href="{base}/coastline"/><id>1</id><updated>2023-06-21T18:00:00Z</updated></entry>
<entry><title>Repair cafe</title><link href="{base}/plain"/><id>2</id><updated>2023-06-22T18:00:00Z</updated></entry>
</feed>
"""
SLOW_SECONDS = 4.0
BIG_BYTES = 3_000_000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, media: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _redirect(self, where: str) -> None:
        self._send(302, b"", "text/plain", {"Location": where})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits.append(path)  # type: ignore[attr-defined]
        self.server.hosts.append(self.headers.get("Host", ""))  # type: ignore[attr-defined]
        if path in PAGES:
            self._send(200, (NEWS / PAGES[path]).read_bytes(), "text/html; charset=utf-8")
        elif path == "/feed.xml":
            self._send(200, RSS.format(base=self._base()).encode(), "application/rss+xml")
        elif path == "/atom.xml":  # a feed served as plain XML
            self._send(200, ATOM.format(base=self._base()).encode(), "text/xml; charset=utf-8")
        elif path == "/not-a-feed.xml":
            self._send(200, b'<?xml version="1.0"?><note><to>Tove</to></note>', "application/xml")
        elif path == "/gazette-updated":  # edited since, its canonical URL with a tracking parameter
            page = (NEWS / PAGES["/gazette"]).read_text(encoding="utf-8")
            page = page.replace("four crossings a day", "five crossings a day").replace(
                "skerry-ferry-resumes", "skerry-ferry-resumes?utm_source=rss#comments"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")
        elif path == "/plain":
            self._send(200, PLAIN.encode(), "text/plain; charset=utf-8")
        elif path == "/moved":
            self._redirect("/gazette")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"<p>late</p>", "text/html")
        elif path == "/big":  # declares its size
            self._send(200, b"<p>" + b"x" * BIG_BYTES + b"</p>", "text/html")
        elif path == "/big-chunked":  # declares nothing: counted as it comes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"<p>" + b"y" * 65_536 + b"</p>"
            try:
                for _ in range(BIG_BYTES // len(block) + 2):
                    self.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/trickle":  # a byte's worth every 0.4 s: each read is quick, the whole is not
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(25):
                    self.wfile.write(b"3\r\n<p>\r\n")
                    self.wfile.flush()
                    time.sleep(0.4)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/report.pdf":
            self._send(200, b"%PDF-1.4\n%fake report\n", "application/pdf")
        elif path == "/photo.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        elif path == "/empty":
            page = b"<html><head><title>Gallery</title></head><body><script>1;</script><img src=a.png></body></html>"
            self._send(200, page, "text/html")
        else:
            self._send(404, b"<h1>Not Found</h1>", "text/html")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that left early (a refused fetch) is no error of the server's


@dataclass
class NewsServer:
    base: str  # http://127.0.0.1:PORT
    hits: list[str]  # the paths asked for
    hosts: list[str]  # the Host header of each request

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def news_server() -> Iterator[NewsServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.hits = []  # type: ignore[attr-defined]
    server.hosts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="news-server", daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        yield NewsServer(base, server.hits, server.hosts)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
