"""Chat events posted the way the page (or an attacker) posts them: /queue/join, then the /queue/data stream."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

QUEUE = "/ui/gradio_api/queue"


class ChatClient:
    """One browser tab of the chat: its cookies (a login, if any) and the session_hash its page would make."""

    def __init__(self, url: str, key: str | None = None, session_hash: str | None = None) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=120)
        self.session_hash = session_hash or uuid.uuid4().hex[:11]
        if key is not None:
            login = self.http.post("/ui/login", data={"username": "u", "password": key})
            assert login.status_code == 200, login.text
        config = self.http.get("/ui/config").json()
        self.components = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
        self.events = {(self.components.get(t[0]), t[1]): d["id"] for d in config["dependencies"] for t in d["targets"]}

    def join(self, elem_id: str, trigger: str, data: list[Any], session_hash: str | None = None,
             event_data: Any = None) -> httpx.Response:
        """POST /queue/join for the event `trigger` of the component `elem_id`."""
        return self.http.post(f"{QUEUE}/join", json={
            "data": data, "fn_index": self.events[(elem_id, trigger)], "event_data": event_data,
            "session_hash": session_hash or self.session_hash, "trigger_id": None})

    def messages(self, session_hash: str | None = None) -> list[dict[str, Any]]:
        """The queue's messages to a session until its stream closes."""
        found = []
        with self.http.stream("GET", f"{QUEUE}/data",
                              params={"session_hash": session_hash or self.session_hash}) as stream:
            if stream.status_code != 200:
                return [{"msg": "refused", "status": stream.status_code}]
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    found.append(json.loads(line[5:]))
                    if found[-1]["msg"] == "close_stream":
                        break
        return found

    def call(self, elem_id: str, trigger: str, data: list[Any], event_data: Any = None) -> dict[str, Any]:
        """One event, joined and read to its end: its process_completed message."""
        joined = self.join(elem_id, trigger, data, event_data=event_data)
        assert joined.status_code == 200, joined.text
        event_id = joined.json()["event_id"]
        done = [m for m in self.messages() if m.get("event_id") == event_id and m["msg"] == "process_completed"]
        assert done, f"no answer to {elem_id}.{trigger}"
        return done[0]
