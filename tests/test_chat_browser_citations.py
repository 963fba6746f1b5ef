"""Reading long answers in a real headless Chromium: a citation in the answer's text is a link that jumps to its
row in the citation table (which renders only the rows in view) and shows the row in full; the answer and the table
fit a 1366 px window without scrolling sideways, 完成时间 in view."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_chat_browser import (  # noqa: F401  (fixtures: a browser and its downloads folder)
    ARTIFACTS,
    WAFANGDIAN_ALL,
    WAIT_SECONDS,
    ask_in_chat,
    browser,
    downloads,
    open_chat,
    texts,
    wait_for_answer,
    wait_for_table,
)

pytestmark = pytest.mark.slow

# the row of the table showing a (清单, 序号) pair, when the table has rendered it
ROW_SHOWN = """const [label, number] = arguments;
for (const cell of document.querySelectorAll("#citations [role='gridcell'][data-col='1']")) {
  const row = cell.getAttribute('data-row');
  const place = document.querySelector(`#citations [role='gridcell'][data-col='0'][data-row='${row}']`);
  if (cell.innerText.trim() === number && place && place.innerText.trim() === label) {
    const box = cell.getBoundingClientRect();
    const marked = getComputedStyle(cell).backgroundColor;
    return {top: box.top, bottom: box.bottom, height: window.innerHeight, marked: marked};
  }
}
return null;"""


def click_citation(driver: WebDriver, marker: str) -> None:
    """Open the folded section holding the citation if need be, then click the link."""
    def clicked(d: WebDriver) -> bool:
        links = [a for a in d.find_elements(By.CSS_SELECTOR, "#chatbot a.cite") if a.text == marker]
        if not links:
            return False
        link = links[-1]
        details = d.execute_script("return arguments[0].closest('details')", link)
        if details is not None and not details.get_attribute("open"):
            d.execute_script("arguments[0].open = true", details)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        return True

    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException,
                                                           ElementClickInterceptedException]).until(
        clicked, message=f"no citation link {marker} in the answer")


def row_in_view(driver: WebDriver, label: str, number: str) -> dict | None:
    shown = driver.execute_script(ROW_SHOWN, label, number)
    if shown and shown["top"] >= 0 and shown["bottom"] <= shown["height"] and shown["marked"] != "rgba(0, 0, 0, 0)":
        return shown
    return None


def test_a_citation_in_the_answer_jumps_to_its_row_in_the_table_and_shows_it(browser: WebDriver,  # noqa: F811
                                                                             server: str) -> None:
    browser.set_window_size(1366, 900)
    open_chat(browser, server)
    ask_in_chat(browser, "瓦房店市有哪些任务？")
    wait_for_answer(browser, 1, "瓦房店")
    wait_for_table(browser, "瓦房店市", WAFANGDIAN_ALL)
    # the answer fits the chat box and the table fits the page: nothing to scroll sideways, 完成时间 in view
    wide = """const answer = [...document.querySelectorAll('#chatbot [data-testid="bot"]')].pop();
        const view = document.querySelector('#citations .virtual-table-viewport');
        const due = [...document.querySelectorAll('#citations [role="columnheader"]')]
            .find(h => h.innerText.trim() === '完成时间').getBoundingClientRect();
        return [answer.scrollWidth - answer.clientWidth, view.scrollWidth - view.clientWidth,
                due.right - view.getBoundingClientRect().right, document.documentElement.scrollWidth - innerWidth];"""
    assert all(excess <= 1 for excess in browser.execute_script(wide)), browser.execute_script(wide)

    click_citation(browser, "[瓦房店市#50]")  # far down the table: rendered only once scrolled to
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: row_in_view(d, "瓦房店市", "50"),
                                                message="the table did not scroll to 瓦房店市#50 and mark it")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "wafangdian#50" in " ".join(texts(d, "#row-view")),
                                                message="the row was not shown in full")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "citation-jump-1366.png"))

    ask_in_chat(browser, "营口第12项对应省里的第几项？")  # a lineage answer cites rows inside its sentences
    wait_for_answer(browser, 2, "辽宁省#15")
    # its row under the line that introduces it is a list item, not "- " inside that line
    items = browser.execute_script("return [...[...document.querySelectorAll('#chatbot [data-testid=\"bot\"]')]"
                                   ".pop().querySelectorAll('li')].map(li => li.innerText.trim())")
    assert any(item.startswith("[辽宁省#15]") for item in items), items
    # 辽宁's row carries 锦州师专's measures: nine columns, and still nothing to scroll sideways at 1366 px
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "本校具体举措" in " ".join(texts(d, "#citations [role='columnheader']")))
    assert all(excess <= 1 for excess in browser.execute_script(wide)), browser.execute_script(wide)
    browser.execute_script("[...document.querySelectorAll('#chatbot [data-testid=\"bot\"]')].pop()"
                           ".scrollIntoView({block: 'start'})")
    browser.save_screenshot(str(ARTIFACTS / "citation-links.png"))
    click_citation(browser, "[辽宁省#15]")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: row_in_view(d, "辽宁省", "15"),
                                                message="the table did not mark 辽宁省#15")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "liaoning#15" in " ".join(texts(d, "#row-view")))

    browser.set_window_size(390, 1000)  # a phone: the link still jumps
    click_citation(browser, "[营口市#12]")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: row_in_view(d, "营口市", "12"),
                                                message="at 390 px the table did not mark 营口市#12")
    browser.save_screenshot(str(ARTIFACTS / "citation-jump-390.png"))

    browser.set_window_size(1366, 900)  # an earlier answer's row, no longer in the table: shown in full
    click_citation(browser, "[瓦房店市#3]")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "wafangdian#3）" in " ".join(texts(d, "#row-view")),
                                                message="an earlier answer's citation did not show its row")
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"the page logged errors: {errors}"
