"""The chat page in a real headless Chromium (Debian's), driven by Selenium against a real server."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WAIT_SECONDS = 30
WAFANGDIAN_HRSS = 46  # 瓦房店 rows naming 人社局 (evals/questions.jsonl list-03)
WAFANGDIAN_ALL = 57

pytestmark = pytest.mark.slow


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def browser(tmp_path: Path, downloads: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    """Debian's Chromium, headless, fresh profile; never a browser Selenium Manager would download."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: the chat test needs Debian's chromium and "
                    "chromium-driver (`make test` installs them as root: apt-get install -y chromium "
                    "chromium-driver)")
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1800", "--lang=en-US"):  # an English browser: the page must still be Chinese
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def open_chat(driver: WebDriver, server: str) -> None:
    driver.get(f"{server}/ui/")
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))


def ask_in_chat(driver: WebDriver, question: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.clear()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def texts(driver: WebDriver, selector: str) -> list[str]:
    """The visible text of every match, read in one go (Gradio re-renders while answers arrive)."""
    script = "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())"
    return list(driver.execute_script(script, selector))


def bot_messages(driver: WebDriver) -> list[str]:
    return texts(driver, "#chatbot [data-testid='bot']")


def wait_for_answer(driver: WebDriver, count: int, containing: str) -> str:
    """The text of the `count`-th answer, once it has appeared and contains `containing`."""
    def arrived(d: WebDriver) -> str | None:
        messages = bot_messages(d)
        return messages[count - 1] if len(messages) >= count and containing in messages[count - 1] else None

    return WebDriverWait(driver, WAIT_SECONDS).until(arrived)


def table_places(driver: WebDriver) -> list[str]:
    """The 清单 column of the citation table's rendered rows (it renders long tables lazily)."""
    return texts(driver, "#citations [role='gridcell'][data-col='0']")


def table_size(driver: WebDriver) -> int:
    script = "return document.querySelector(\"#citations [role='grid']\").getAttribute('aria-rowcount')"
    return int(driver.execute_script(script) or 0) - 1  # minus the header row


def wait_for_table(driver: WebDriver, place: str, rows: int) -> None:
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: table_size(d) == rows and set(table_places(d)) == {place},
        message=f"the citation table did not show {rows} rows of {place}")


def download(driver: WebDriver, button: str, folder: Path, suffix: str) -> Path:
    driver.find_element(By.CSS_SELECTOR, f"#{button}").click()

    def finished(_: WebDriver) -> Path | None:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        return done[0] if done else None

    return WebDriverWait(driver, WAIT_SECONDS).until(finished, message=f"no {suffix} file was downloaded")


def requested_urls(driver: WebDriver) -> set[str]:
    events = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return {e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"}


def test_chat_answers_follow_ups_cites_rows_and_downloads_them(browser: WebDriver, server: str,
                                                               downloads: Path) -> None:
    open_chat(browser, server)
    assert "营口市人社局要做哪些工作？" in browser.find_element(By.TAG_NAME, "body").text  # an example to click

    ask_in_chat(browser, "营口市人社局要做哪些工作？")
    first = wait_for_answer(browser, 1, "营口市")
    folded = browser.execute_script("return document.querySelector('#chatbot [data-testid=\"bot\"]').textContent")
    assert "27项" in first and "[营口市#1]" in folded  # 27 rows: folded in a section titled with its count
    wait_for_table(browser, "营口市", 27)

    ask_in_chat(browser, "那瓦房店呢？")  # follows up: still 人社局, now in 瓦房店
    assert "人社局" in wait_for_answer(browser, 2, "瓦房店")
    rows = WAFANGDIAN_HRSS
    wait_for_table(browser, "瓦房店市", rows)

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "chat.png"))

    saved = download(browser, "download-csv", downloads, ".csv")
    assert saved.name == f"瓦房店市-人力资源和社会保障局-任务-{date.today().isoformat()}.csv"
    with saved.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["清单", "序号", "类别", "任务内容", "牵头单位", "责任单位", "完成时间", "来源"]
    assert len(table) == rows + 1 and {line[0] for line in table[1:]} == {"瓦房店市"}
    sheet = load_workbook(download(browser, "download-xlsx", downloads, ".xlsx")).active
    assert "那瓦房店呢？" in sheet["A1"].value and sheet.max_row == rows + 2 and sheet["A3"].value == "瓦房店市"
    from docx import Document

    word = Document(str(download(browser, "download-docx", downloads, ".docx")))
    assert [c.text for c in word.tables[0].rows[0].cells] == ["序号", "任务", "牵头", "责任", "完成时间"]
    assert len(word.tables[0].rows) == rows + 1

    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"the chat page logged errors: {errors}"
    outside = {u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))
               and not u.startswith(server)}
    assert not outside, f"the chat page reached beyond its server: {sorted(outside)}"


def test_clear_starts_a_new_conversation(browser: WebDriver, server: str) -> None:
    open_chat(browser, server)
    ask_in_chat(browser, "营口市人社局要做哪些工作？")
    wait_for_answer(browser, 1, "营口市")
    browser.find_element(By.CSS_SELECTOR, "#ask").click()  # an empty question: a hint, the chat stays
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "请先在输入框中输入问题" in d.find_element(
        By.TAG_NAME, "body").text, message="no hint for an empty question")
    assert len(bot_messages(browser)) == 1 and "营口市" in bot_messages(browser)[0]
    assert table_size(browser) > 0 and "Error" not in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.CSS_SELECTOR, "#clear").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not bot_messages(d))
    ask_in_chat(browser, "那瓦房店呢？")  # nothing to follow up on now: the whole 瓦房店 list
    wait_for_answer(browser, 1, "瓦房店")
    wait_for_table(browser, "瓦房店市", WAFANGDIAN_ALL)


def choose(driver: WebDriver, dropdown: str, option: str) -> None:
    """Pick `option` in a Gradio dropdown the way a user does: type to filter the list, click the option."""
    box = driver.find_element(By.CSS_SELECTOR, f"#{dropdown} input")

    def clicked(_: WebDriver) -> bool:  # while the page loads, Gradio's spinner may cover the box
        box.click()
        return True

    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=[ElementClickInterceptedException]).until(clicked)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(option)
    selector = f"li[data-testid='dropdown-option'][aria-label='{option}']"

    def click_option(d: WebDriver) -> bool:
        found = d.find_elements(By.CSS_SELECTOR, selector)
        if found:
            found[0].click()
        return bool(found)

    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(
        click_option)
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: box.get_attribute("value") == option)


def test_filters_narrow_the_next_question(browser: WebDriver, server: str) -> None:
    open_chat(browser, server)
    choose(browser, "filter-place", "营口市")
    choose(browser, "filter-agency", "人力资源和社会保障局（人社局）")
    ask_in_chat(browser, "要做哪些工作？")
    assert "地区：营口市" in wait_for_answer(browser, 1, "营口市")
    wait_for_table(browser, "营口市", 27)


def test_the_plan_line_and_clickable_suggestions_for_an_unknown_name(browser: WebDriver, server: str) -> None:
    open_chat(browser, server)
    ask_in_chat(browser, "营口市劳动人事局负责哪些任务？")
    answer = wait_for_answer(browser, 1, "未找到")
    assert "“劳动人事局”" in answer and "人社局" in answer
    quoted = texts(browser, "#chatbot [data-testid='bot'] blockquote")
    assert quoted and quoted[-1].startswith("条件：营口市")  # how the question was read, set apart
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "营口市人社局负责哪些任务？" in " ".join(
        texts(d, "#suggestions")), message="the suggested question was not offered")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "suggestions.png"))
    suggestion = next(e for e in browser.find_elements(By.CSS_SELECTOR, "#suggestions button")
                      if "营口市人社局负责哪些任务？" in e.text)
    suggestion.click()
    assert "27项" in wait_for_answer(browser, 2, "人社局")
    wait_for_table(browser, "营口市", 27)


def test_an_agency_without_tasks_in_the_role_asked_offers_its_other_rows_in_one_click(browser: WebDriver,
                                                                                     server: str) -> None:
    open_chat(browser, server)
    ask_in_chat(browser, "营口市的财政局牵头负责的事项有哪些？")
    answer = wait_for_answer(browser, 1, "没有牵头的任务")
    assert "作为责任单位参与24项任务" in answer and "没有列出" not in answer
    offered = "营口市财政局作为责任单位参与哪些任务？"
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: offered in " ".join(texts(d, "#suggestions")),
                                                message="the rows of the other role were not offered")
    assert "接着问" in " ".join(texts(browser, "#suggestions"))
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "follow-up-other-role.png"))
    next(e for e in browser.find_elements(By.CSS_SELECTOR, "#suggestions button") if offered in e.text).click()
    assert "24项" in wait_for_answer(browser, 2, "财政局")
    wait_for_table(browser, "营口市", 24)


def test_the_login_page_says_what_the_name_is_for_and_shows_every_failure(
        browser: WebDriver, start_server) -> None:  # type: ignore[no-untyped-def]
    url = start_server(api_key="right-key", rate_limit_per_minute=0)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        browser.set_window_size(width, 900)
        browser.get(f"{url}/ui/")
        WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "不校验" in d.find_element(By.TAG_NAME, "body").text,
                                                    message="the login form does not say what the name is for")
        name, key = browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text'], input[type='password']")[:2]
        login = next(b for b in browser.find_elements(By.TAG_NAME, "button") if b.text.strip() == "登录")
        key.send_keys("whatever")
        login.click()  # no name: said on the page, not a silent 422
        WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "请填写用户名" in " ".join(texts(d, "#login-error")),
                                                    message="a login without a name showed nothing")
        browser.save_screenshot(str(ARTIFACTS / f"login-{width}.png"))
        name.send_keys(f"测试{width}")
        key.send_keys("wrong")
        login.click()  # a wrong key: Gradio's own message, in Chinese
        WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "凭据不正确" in d.find_element(By.TAG_NAME, "body").text,
                                                    message="a wrong key showed nothing")
        assert not texts(browser, "#login-error")
    name, key = browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text'], input[type='password']")[:2]
    name.send_keys("王五")
    key.send_keys("right-key")
    next(b for b in browser.find_elements(By.TAG_NAME, "button") if b.text.strip() == "登录").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"),
                                                message="the right key did not open the chat")


def test_a_phone_wide_page_shows_the_chat_table_and_matrices_readably(browser: WebDriver, server: str) -> None:
    """At 390 px: the 对话 label covers no answer, the 清单 column does not wrap one character a line, and the
    matrix headers (营口市 牵头/责任) are not clipped. At 1366 px the whole citation table, 完成时间 too, fits."""
    browser.set_window_size(1366, 900)
    open_chat(browser, server)
    ask_in_chat(browser, "营口市人社局要做哪些工作？")
    wait_for_answer(browser, 1, "27项")
    wait_for_table(browser, "营口市", 27)
    browser.execute_script("document.querySelector('#citations').scrollIntoView({block: 'start'})")
    fits = """const view = document.querySelector('#citations .virtual-table-viewport') ||
                             document.querySelector('#citations [role="grid"]').parentElement;
        const due = [...document.querySelectorAll('#citations [role="columnheader"]')]
            .find(h => h.innerText.trim() === '完成时间').getBoundingClientRect();
        return view.scrollWidth <= view.clientWidth + 1 && due.right <= view.getBoundingClientRect().right + 1;"""
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: d.execute_script(fits),
                                                message="完成时间 is off-screen at 1366 px")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "table-1366.png"))
    browser.set_window_size(390, 1000)
    covered = """const label = document.querySelector('#chatbot [data-testid="block-label"]');
        const first = document.querySelector('#chatbot [data-testid="bot"] blockquote');
        if (!label || !first) return null;
        const a = label.getBoundingClientRect(), b = first.getBoundingClientRect();
        return a.bottom > b.top && b.bottom > a.top && a.right > b.left && b.right > a.left;"""
    browser.execute_script("document.querySelector('#chatbot').scrollIntoView({block: 'start'})")
    assert browser.execute_script(covered) is False, "the 对话 label covers the answer's 条件 line"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "chat-390.png"))
    browser.execute_script("document.querySelector('#citations').scrollIntoView({block: 'start'})")
    place = browser.execute_script(
        "const c = document.querySelector(\"#citations [role='gridcell'][data-col='0']\");"
        "const r = c.getBoundingClientRect(); return [r.width, r.height];")
    assert place[0] >= 48, f"the 清单 column is {place[0]:.0f} px wide: 营口市 wraps a character a line"
    browser.save_screenshot(str(ARTIFACTS / "table-390.png"))
    next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "总览").click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "营口市 牵头/责任" in " ".join(texts(d, "#responsibility [role='columnheader']")))
    clipped = ("return [...document.querySelectorAll('#responsibility [role=\"columnheader\"], "
               "#responsibility [role=\"gridcell\"]')]"
               ".filter(c => c.innerText.trim() && c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)")
    assert not browser.execute_script(clipped), "matrix cells are clipped at 390 px"
    heights = browser.execute_script("return [...document.querySelectorAll('#responsibility [role=\"columnheader\"]')]"
                                     ".map(c => c.getBoundingClientRect().height)")
    assert max(heights) < 80, "a matrix header wraps a character or two a line"
    browser.save_screenshot(str(ARTIFACTS / "overview-390.png"))


def test_words_the_question_did_not_read_are_a_notice_above_the_answer(browser: WebDriver, server: str) -> None:
    open_chat(browser, server)
    browser.set_window_size(1366, 900)
    ask_in_chat(browser, "营口市人社局负责的<b>航天</b>任务有哪些？")
    wait_for_answer(browser, 1, "未理解")
    notice = browser.find_element(By.CSS_SELECTOR, "#chatbot [data-testid='bot'] .unread-notice")
    assert notice.is_displayed() and notice.text.startswith("⚠ 未理解：「b」、「航天」。")
    assert texts(browser, "#chatbot [data-testid='bot'] .unread-notice mark") == ["b", "航天"]
    assert notice.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"  # set apart, not plain text
    quoted = texts(browser, "#chatbot [data-testid='bot'] blockquote")
    assert quoted == ["条件：营口市 · 人社局；列出全部"]  # the plan line stays a line of its own, under the notice
    assert not browser.find_elements(By.CSS_SELECTOR, "#chatbot b")  # the question's <b> is shown as text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("document.querySelector('#chatbot').scrollIntoView()")  # the chat box, whole
    browser.save_screenshot(str(ARTIFACTS / "unread.png"))

    ask_in_chat(browser, "Which tasks on spaceflight does Yingkou's human resources bureau lead?")
    wait_for_answer(browser, 2, "Not understood")
    assert texts(browser, "#chatbot [data-testid='bot'] .unread-notice mark")[-1:] == ["spaceflight"]
    browser.set_window_size(390, 1000)  # a phone: the notice wraps inside the chat box
    overflowing = "return [...document.querySelectorAll('#chatbot .unread-notice')]" \
        ".some(e => e.scrollWidth > e.clientWidth + 1)"
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not d.execute_script(overflowing),
                                                message="the notice overflows a narrow chat box")
    browser.execute_script("document.querySelectorAll('#chatbot .unread-notice')[1]"
                           ".scrollIntoView({block: 'center'})")
    browser.save_screenshot(str(ARTIFACTS / "unread-narrow.png"))

    ask_in_chat(browser, "营口市人社局要做哪些工作？")  # understood: no notice
    wait_for_answer(browser, 3, "27项")
    assert len(texts(browser, "#chatbot [data-testid='bot'] .unread-notice")) == 2


def test_overview_tab_shows_both_matrices_and_downloads(browser: WebDriver, server: str, downloads: Path) -> None:
    open_chat(browser, server)
    tab = next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "总览")
    tab.click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "人力资源" in " ".join(texts(d, "#responsibility [role='gridcell']")),
        message="the responsibility matrix did not show 人力资源…")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: any(t.startswith("辽宁省#15") for t in texts(d, "#coverage [role='gridcell'][data-col='0']")),
        message="the coverage matrix did not show 辽宁省#15")
    assert "营口市 牵头/责任" in " ".join(texts(browser, "#responsibility [role='columnheader']"))
    assert "「牵头 —」指该清单没有牵头单位一栏" in " ".join(texts(browser, "#responsibility-legend"))
    assert "弱＝可能对应" in " ".join(texts(browser, "#coverage-legend"))

    sheet = load_workbook(download(browser, "download-coverage", downloads, ".xlsx")).active
    assert sheet["A2"].value == "省级任务" and sheet.freeze_panes == "A3"
    assert any(str(c.value).startswith("辽宁省#15") for c in sheet["A"])

    def click_cell(d: WebDriver) -> bool:  # 辽宁省#1 × 营口市 (Gradio may re-render the cell under us)
        cells = [c for c in d.find_elements(By.CSS_SELECTOR, "#coverage [role='gridcell'][data-col='2']")
                 if c.text.strip() == "强 营口市#1"]
        if cells:
            cells[0].click()
        return bool(cells)

    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(click_cell)
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "辽宁省#1" in " ".join(texts(d, "#link-detail")) and "营口市#1" in " ".join(
            texts(d, "#link-detail")), message="selecting a coverage cell did not show both rows")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "overview.png"))
    browser.set_window_size(1366, 900)
    browser.execute_script("document.querySelector('#coverage-legend').scrollIntoView({block: 'center'})")
    browser.save_screenshot(str(ARTIFACTS / "overview-1366.png"))

    browser.set_window_size(760, 1800)  # narrow: the longest agency names (at the bottom) must wrap
    def scrolled_to_the_end(d: WebDriver) -> bool:  # the table renders lazily: scroll until its end shows
        d.execute_script("document.querySelectorAll('#responsibility *').forEach("
                         "e => { if (e.scrollHeight > e.clientHeight + 1) e.scrollTop = e.scrollHeight; })")
        return texts(d, "#responsibility [role='gridcell'][data-col='0']")[-1:] == ["职业教育联席会议工作领导小组成员单位"]

    WebDriverWait(browser, WAIT_SECONDS).until(scrolled_to_the_end,
                                               message="the end of the responsibility matrix did not render")
    browser.execute_script("[...document.querySelectorAll(\"#responsibility [role='gridcell']\")].pop()"
                           ".scrollIntoView({block: 'nearest'})")
    script = ("return [...document.querySelectorAll('#responsibility [role=\"gridcell\"]')]"
              ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)")
    overflowing: list[str] = []

    def wrapped(d: WebDriver) -> bool:  # after the resize the layout settles; then nothing may overflow
        overflowing[:] = d.execute_script(script)
        return not overflowing

    try:
        WebDriverWait(browser, 5).until(wrapped)
    except TimeoutException:
        pytest.fail(f"cells overflow instead of wrapping: {overflowing}")
    browser.save_screenshot(str(ARTIFACTS / "overview-narrow.png"))
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"the overview logged errors: {errors}"


@pytest.fixture
def private_server(indexed_settings, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A server over an Assistant of its own: an upload changes its index, not the session's."""
    from tests.conftest import ThreadServer
    from tests.test_hardening import private_assistant
    from ui.http import create_app

    assistant = private_assistant(indexed_settings, tmp_path / "private")
    running = ThreadServer(create_app(assistant, assistant.settings))
    yield running.start()
    running.stop()


def test_upload_tab_previews_then_ingests_a_word_list_that_is_answered_at_once(browser: WebDriver,
                                                                               private_server: str,
                                                                               tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parent / "fixtures" / "special_groups.docx"
    open_chat(browser, private_server)
    tab = next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "上传清单")
    tab.click()
    browser.find_element(By.CSS_SELECTOR, "#upload-file input[type='file']").send_keys(str(fixture))
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "测试市职业教育重点任务清单" in " ".join(texts(d, "#upload-preview")),
        message="the preview did not show the list's title")
    preview = " ".join(texts(browser, "#upload-preview"))
    assert "地区：测试市" in preview and "共 8 行" in preview and "special_groups" in preview
    assert "任务内容 → 任务内容" in preview and "牵头单位 → 牵头" in preview
    assert "提示：跳过了 1 个重复的表头行" in preview and "skipped" not in preview  # the catalogue's Chinese
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "一、提升办学条件" in " ".join(texts(d, "#upload-rows [role='gridcell']")),
        message="the preview table did not show the first rows with their group")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "upload-preview.png"))

    browser.find_element(By.CSS_SELECTOR, "#upload-confirm").click()
    WebDriverWait(browser, 120).until(lambda d: "已导入" in " ".join(texts(d, "#upload-result")),
                                      message="the upload did not report that it was ingested")
    assert "共 8 行" in " ".join(texts(browser, "#upload-result"))
    # the browser's copy went to Gradio's folder under the data directory, not the shared /tmp/gradio
    assert list((tmp_path / "private" / "data" / "gradio").rglob("special_groups.docx"))
    browser.save_screenshot(str(ARTIFACTS / "upload-done.png"))
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Built with Gradio" not in page and "Settings" not in page  # no English footer

    next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "问答").click()
    ask_in_chat(browser, "测试市财政局牵头哪些任务？")
    answer = wait_for_answer(browser, 1, "测试市#4")
    assert "落实生均拨款制度" in answer


def test_a_word_list_of_real_size_with_merged_cells_uploads_through_the_chat(browser: WebDriver,
                                                                           private_server: str,
                                                                           tmp_path: Path) -> None:
    """60 rows, group rows merged across, lead cells merged down, a photo: over 200 KB, far over /ask's body limit."""
    from tests.big_list import PLACE, TITLE, write_big_list

    fixture = write_big_list(tmp_path / "县级清单.docx")
    assert fixture.stat().st_size > 200_000
    open_chat(browser, private_server)
    tab = next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "上传清单")
    tab.click()
    browser.find_element(By.CSS_SELECTOR, "#upload-file input[type='file']").send_keys(str(fixture))
    WebDriverWait(browser, 60).until(lambda d: TITLE in " ".join(texts(d, "#upload-preview")),
                                     message="the preview of the large list did not appear")
    preview = " ".join(texts(browser, "#upload-preview"))
    assert f"地区：{PLACE}" in preview and "共 60 行" in preview
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "upload-large-preview.png"))
    browser.find_element(By.CSS_SELECTOR, "#upload-confirm").click()
    WebDriverWait(browser, 180).until(lambda d: "已导入" in " ".join(texts(d, "#upload-result")),
                                      message="the large list was not ingested")
    assert "共 60 行" in " ".join(texts(browser, "#upload-result"))
    next(b for b in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == "问答").click()
    ask_in_chat(browser, f"{PLACE}的县财政局牵头负责的事项有哪些？")
    assert "负责20项任务" in wait_for_answer(browser, 1, "县财政局")
    wait_for_table(browser, PLACE, 20)
    answer = browser.execute_script("return document.querySelector('#chatbot [data-testid=\"bot\"]').textContent")
    assert f"{PLACE}#21" in answer and f"{PLACE}#40" in answer and f"{PLACE}#41" not in answer  # folded rows too


def test_html_and_markdown_in_list_cells_and_questions_are_shown_as_text_and_fetch_nothing(
        browser: WebDriver, private_server: str) -> None:
    import httpx

    outside = "http://203.0.113.9"  # TEST-NET-3: nothing answers there, and nothing may even ask
    listing = ("测试县职业教育任务清单\n\t序号\n\t任务内容\n\t牵头单位\n\t责任单位\n\n"
               f"\t1\n\t建设<b>实训基地</b><img src=\"{outside}/leak.png\">2个。![图]({outside}/md.png)\n"
               "\t县教育局\n\t县财政局\n")
    response = httpx.post(f"{private_server}/documents", files={"file": ("html_cells.txt", listing.encode())},
                          timeout=120)
    assert response.status_code == 200, response.text
    open_chat(browser, private_server)
    ask_in_chat(browser, "测试县教育局牵头哪些任务？")
    answer = wait_for_answer(browser, 1, "测试县#1")
    assert "<b>实训基地</b>" in answer and f'<img src="{outside}/leak.png">' in answer
    assert f"![图]({outside}/md.png)" in answer
    question = f'<b>测试县</b>教育局牵头哪些任务？<img src="{outside}/question.png">'  # the user's bubble too
    ask_in_chat(browser, question)
    wait_for_answer(browser, 2, "测试县#1")
    assert question in texts(browser, "#chatbot [data-testid='user']")[-1]
    assert not browser.find_elements(By.CSS_SELECTOR, "#chatbot img[src*='203.0.113.9'], #chatbot b")
    assert not [url for url in requested_urls(browser) if "203.0.113.9" in url]


def test_docs_render_offline_from_packaged_assets(browser: WebDriver, server: str) -> None:
    """/docs loads Swagger UI from the swagger-ui-bundle package, not a CDN: with no network it shows /ask."""
    browser.get(f"{server}/docs")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: any("/ask" in t for t in texts(d, ".opblock-summary-path")),
        message="Swagger UI did not render the operations")
    outside = [u for u in requested_urls(browser) if u.startswith("http") and not u.startswith(server)]
    assert not outside, outside
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "docs.png"))
    browser.get(f"{server}/redoc")  # ReDoc too, its Redocly logo from our server
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "/ask" in d.find_element(By.TAG_NAME, "body").text, message="ReDoc did not render the operations")
    outside = [u for u in requested_urls(browser) if u.startswith("http") and not u.startswith(server)]
    assert not outside, outside
    browser.save_screenshot(str(ARTIFACTS / "redoc.png"))



ENGLISH_ALLOWED = {"CSV", "Excel", "XLSX", "Word", "DOCX", "API", "key"}  # the page's own names for file formats and the key


def visible_english(driver: WebDriver) -> set[str]:
    """Latin words of three letters or more in the page's visible text, outside answers and cited rows (the
    data's own English, like "Bureau of …" in an English answer, is allowed)."""
    import re

    script = """const skip = [...document.querySelectorAll('#chatbot [data-testid="bot"], #citations [role="grid"], #row-view')];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const out = [];
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!el || skip.some(s => s.contains(el)) || !el.offsetParent) continue;
      out.push(node.textContent);
    }
    for (const el of document.querySelectorAll('[title], [placeholder]')) {  // tooltips, placeholders
      if (el.offsetParent && !skip.some(s => s.contains(el))) out.push(el.title, el.placeholder || '');
    }
    return out.join(' ');"""
    return set(re.findall(r"[A-Za-z]{3,}", driver.execute_script(script))) - ENGLISH_ALLOWED


def test_daily_use_chips_folded_long_answers_measures_the_bin_and_a_chinese_page(browser: WebDriver,
                                                                                  server: str) -> None:
    open_chat(browser, server)
    assert browser.execute_script("return document.documentElement.lang") == "zh-CN"

    # Filters are chips saying what they limit; a place named in the question wins, and the answer says so.
    choose(browser, "filter-place", "营口市")
    choose(browser, "filter-agency", "财政局（财政厅）")
    for chip, label in (("#chip-place", "地区：营口市"), ("#chip-agency", "部门：财政局")):  # each a round trip
        WebDriverWait(browser, WAIT_SECONDS).until(lambda d, c=chip, t=label: t in " ".join(texts(d, c)),
                                                    message=f"no chip {label}")
    ask_in_chat(browser, "环翠区哪些任务要在2023年完成？")
    answer = wait_for_answer(browser, 1, "环翠区")
    assert "您的问题提到环翠区，已按环翠区回答，未使用“营口市”筛选" in answer
    assert "（筛选 部门：财政局）" in answer and "筛选 地区" not in answer  # the footer names only what was used
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "chips.png"))  # the README's screenshot (docs/chat.png)
    browser.find_element(By.CSS_SELECTOR, "#chip-place").click()  # removed: the chip goes, the box empties
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not texts(d, "#chip-place"))
    assert browser.find_element(By.CSS_SELECTOR, "#filter-place input").get_attribute("value") == ""
    browser.find_element(By.CSS_SELECTOR, "#chip-agency").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not texts(d, "#chip-agency"))

    # A long answer opens at its first line: the count is in view, its sections folded with their counts.
    ask_in_chat(browser, "瓦房店市有哪些任务？")
    long = wait_for_answer(browser, 2, "瓦房店")
    assert "共57项" in " ".join([line for line in long.splitlines() if line.strip()][:2]), long[:200]
    in_view = """const box = document.querySelector('#chatbot [role="log"]') || document.querySelector('#chatbot');
    const answers = document.querySelectorAll('#chatbot [data-testid="bot"]');
    const top = answers[answers.length - 1].getBoundingClientRect().top, frame = box.getBoundingClientRect();
    return top >= frame.top - 2 && top < frame.bottom - 40;"""
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: d.execute_script(in_view),
                                                message="the long answer's first line is not in view")
    assert texts(browser, "#chatbot [data-testid='bot'] details summary")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "long-answer.png"))

    # 锦州师专's unit: the school's own measures, in the answer and the table.
    ask_in_chat(browser, "锦州师专的教务处承担了哪些举措？")
    wait_for_answer(browser, 3, "教务处")
    measures = browser.execute_script("const a = document.querySelectorAll('#chatbot [data-testid=\"bot\"]');"
                                      "return a[a.length - 1].textContent")  # folded sections included
    assert "具体举措" in measures and "作为责任部门" not in measures
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "本校具体举措" in " ".join(texts(d, "#citations")))
    def row_shown(d: WebDriver) -> bool:  # click a line's 序号 (again, if the table re-rendered meanwhile)
        d.find_element(By.CSS_SELECTOR, "#citations [role='gridcell'][data-col='1']").click()
        return "锦州师范高等专科学校具体举措" in " ".join(texts(d, "#row-view"))

    WebDriverWait(browser, WAIT_SECONDS, poll_frequency=2, ignored_exceptions=[
        StaleElementReferenceException, ElementClickInterceptedException]).until(
        row_shown, message="clicking a cited row did not show it in full")
    assert "liaoning#3" in " ".join(texts(browser, "#row-view"))
    browser.save_screenshot(str(ARTIFACTS / "measures.png"))
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not visible_english(d),  # once Gradio's status is gone
                                                message=f"English on the page: {visible_english(browser)}")

    # The chat box's own bin icon starts a new session, as 清空对话 does.
    bin_icon = browser.find_element(By.CSS_SELECTOR, "#chatbot button[aria-label='清空对话'], "
                                                     "#chatbot button[title='清空对话']")
    bin_icon.click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: not bot_messages(d))
    ask_in_chat(browser, "那瓦房店呢？")  # nothing to follow up on: the whole 瓦房店 list
    wait_for_answer(browser, 1, "瓦房店")
    wait_for_table(browser, "瓦房店市", WAFANGDIAN_ALL)


def test_a_count_per_agency_is_a_table_naming_the_rows_behind_each_count(browser: WebDriver, server: str) -> None:
    open_chat(browser, server)
    browser.set_window_size(1366, 900)
    ask_in_chat(browser, "环翠区按牵头单位统计一下各有几项")
    wait_for_answer(browser, 1, "区教育体育局")
    headers = texts(browser, "#chatbot [data-testid='bot'] table th")
    assert headers[:5] == ["部门", "牵头", "责任", "合计", "序号"]
    cells = texts(browser, "#chatbot [data-testid='bot'] table td")
    assert "12项" in cells and any(c.startswith("环翠区#") for c in cells)
    wait_for_table(browser, "环翠区", 16)  # the rows counted are cited, as a one-list count cites them
    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("document.querySelector('#chatbot').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "group-count.png"))
