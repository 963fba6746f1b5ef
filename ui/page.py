"""The chat page as Chinese whatever the browser's language: `<html lang="zh-CN">`, and Gradio's own strings
(tooltips such as "Clear", "Copy message") in Chinese.

Gradio picks its strings from navigator.language at its first script, before any `head` it is given is added,
so the page's HTML itself gets a script that says zh-CN first (and keeps <html lang> at zh-CN). The same script
puts the table filter's placeholder and the chat's "Scroll down" button, which Gradio writes in English only, in
Chinese, and shows on the login page
the refusals Gradio's login form would not show (a missing name, too many failed tries).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SCRIPT = """<script>
(() => {
  try {
    Object.defineProperty(navigator, "language", {get: () => "zh-CN"});
    Object.defineProperty(navigator, "languages", {get: () => ["zh-CN", "zh"]});
  } catch (e) {}
  const root = document.documentElement;
  root.lang = "zh-CN";
  new MutationObserver(() => { if (root.lang !== "zh-CN") root.lang = "zh-CN"; })
    .observe(root, {attributes: true, attributeFilter: ["lang"]});
  // Strings Gradio writes in English whatever the language (the table's filter box).
  const words = {"Filter...": "筛选…", "Search...": "搜索…", "Enter text to filter the table": "输入文字筛选表格",
                 "Enter text to search the table": "输入文字搜索表格", "Scroll down": "滚到最新"};
  const translate = () => document.querySelectorAll("input[placeholder], [title], [aria-label]").forEach(input => {
    for (const name of ["placeholder", "title", "aria-label"]) {
      const value = input.getAttribute(name);
      if (value && words[value]) input.setAttribute(name, words[value]);
    }
  });
  new MutationObserver(translate).observe(root, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ["placeholder", "title", "aria-label"]});
  // The login form shows only a wrong key (400) itself; any other refusal (no name, too many tries) is shown
  // here, under the form, in the server's words.
  const send = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await send(input, init);
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (init && init.method === "POST" && /[/]login[/]?$/.test(url)) {
      document.getElementById("login-error")?.remove();
      if (response.status !== 200 && response.status !== 400) {
        let detail = "登录失败（" + response.status + "），请稍后再试。";
        try { detail = (await response.clone().json()).detail || detail; } catch (e) {}
        const note = document.createElement("p");
        note.id = "login-error";
        note.setAttribute("role", "alert");
        note.style.cssText = "color:#b91c1c;margin:8px 0;font-weight:600";
        note.textContent = detail;
        const button = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === "登录");
        (button ? button.parentElement : document.body).append(note);
      }
    }
    return response;
  };
})();
</script>""".encode()


class ChinesePage:
    """ASGI middleware: the HTML of the chat's page (GET `path`) gets SCRIPT first in its <head>."""

    def __init__(self, app: ASGIApp, path: str = "/ui") -> None:
        self.app = app
        self.paths = {path.rstrip("/"), path.rstrip("/") + "/"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = b""

        async def capture(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body"):
                return
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            if html and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + SCRIPT, 1).replace(b'lang="en"', b'lang="zh-CN"', 1)
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)
