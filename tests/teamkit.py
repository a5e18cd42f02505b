"""Helpers for the app on a team database: a network cable a test can cut, and people with display names."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg


class Cable:
    """A TCP relay between the app and the PostgreSQL server that a test can cut and mend.

    ``cut()``: every connection through it is broken and new ones are refused (the network or the server
    gone); ``mend()``: connections pass again; ``hold()``: new connections are accepted but nothing passes
    until ``mend()`` (a server slow to answer).  The server itself is never touched.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.mode = "up"
        self.links: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.port = 0
        self._listen()

    def _listen(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def url(self, url: str) -> str:
        """``url`` (a login's team database URL) through this cable."""
        parts = urlsplit(url)
        netloc = f"{parts.username}@127.0.0.1:{self.port}" if parts.username else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        while self.mode == "hold":
            time.sleep(0.02)
        if self.mode != "up":
            client.close()
            return
        try:
            server = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with self.lock:
            self.links += [client, server]
        for a, b in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self) -> None:
        self.mode = "down"
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        with self.lock:
            links, self.links = self.links, []
        for s in links:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def hold(self) -> None:
        self.mode = "hold"

    def mend(self) -> None:
        self.mode = "up"
        if self.listener is None:
            self._listen()

    def close(self) -> None:
        self.cut()


def set_display_name(server, database: str, login: str, name: str) -> None:  # noqa: ANN001 - tests.pgserver.Server
    """What 'sg-assess team add-user LOGIN --name NAME' records: the name the app shows for the login."""
    admin = server.admin
    with psycopg.connect(host=admin.host, port=admin.port or 5432, user=admin.username, dbname=database,
                         autocommit=True) as conn:
        conn.execute("INSERT INTO team_member (login, display_name) VALUES (%s, %s) ON CONFLICT (login) "
                     "DO UPDATE SET display_name = EXCLUDED.display_name", (login, name))


def set_password(server, login: str, password: str) -> None:  # noqa: ANN001
    """A login whose password is not the one in the tests' password file: libpq cannot find it."""
    from psycopg import sql

    server.conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login), sql.Literal(password)))
