"""The chat in a real headless Chromium: a list whose title names no place is uploaded with a place chosen in the
上传清单 tab, and the 地区 dropdown and 总览 show that place at once, without a reload of the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_chat_browser import (  # noqa: F401  (fixtures: a browser, a server of its own)
    ARTIFACTS,
    WAIT_SECONDS,
    ask_in_chat,
    browser,
    choose,
    downloads,
    open_chat,
    private_server,
    texts,
    wait_for_answer,
)
from tests.test_places import write_list

pytestmark = pytest.mark.slow


def open_tab(driver: WebDriver, name: str) -> None:
    next(b for b in driver.find_elements(By.CSS_SELECTOR, "[role='tab']") if b.text.strip() == name).click()


def place_options(driver: WebDriver) -> list[str]:
    """The options the 地区 dropdown offers when opened (typing nothing)."""
    box = driver.find_element(By.CSS_SELECTOR, "#filter-place input")
    box.click()
    options = texts(driver, "li[data-testid='dropdown-option']")
    box.send_keys(Keys.ESCAPE)
    driver.find_element(By.TAG_NAME, "body").click()
    return options


def test_a_list_without_a_place_in_its_title_is_uploaded_with_the_place_chosen_and_offered_at_once(
        browser: WebDriver, private_server: str, tmp_path: Path) -> None:  # noqa: F811
    fixture = write_list(tmp_path / "县级清单.docx", "职业教育重点任务清单")
    browser.set_window_size(1366, 1000)
    open_chat(browser, private_server)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "营口市" in place_options(d),
                                                message="the 地区 dropdown offers no places")
    assert "盖州市" not in place_options(browser)

    open_tab(browser, "上传清单")
    browser.find_element(By.CSS_SELECTOR, "#upload-file input[type='file']").send_keys(str(fixture))
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "未识别" in " ".join(texts(d, "#upload-preview")),
                                                message="the preview did not say the place is still to be given")
    assert not browser.find_elements(By.CSS_SELECTOR, "#upload-confirm:not([hidden])") or \
        not browser.find_element(By.CSS_SELECTOR, "#upload-confirm").is_displayed()
    box = browser.find_element(By.CSS_SELECTOR, "#upload-place input")
    box.click()
    box.send_keys("营口盖州")
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "地区：盖州市（辽宁省 › 营口市 › 盖州市）" in " ".join(texts(d, "#upload-preview")),
        message="the place typed was not read as 盖州市 under 营口市 and 辽宁省")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "upload-place-1366.png"))
    browser.set_window_size(390, 1000)
    browser.execute_script("document.querySelector('#upload-place').scrollIntoView({block: 'start'})")
    browser.save_screenshot(str(ARTIFACTS / "upload-place-390.png"))
    browser.set_window_size(1366, 1000)

    browser.find_element(By.CSS_SELECTOR, "#upload-confirm").click()
    WebDriverWait(browser, 180).until(lambda d: "已导入" in " ".join(texts(d, "#upload-result")),
                                      message="the list was not ingested")

    open_tab(browser, "问答")  # the same page, never reloaded: the new place is offered
    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: "盖州市" in place_options(d), message="the 地区 dropdown does not offer the new place")
    choose(browser, "filter-place", "盖州市")
    ask_in_chat(browser, "住建局牵头哪些任务？")
    answer = wait_for_answer(browser, 1, "盖州市")
    assert "修缮市职业教育中心学生宿舍楼" in answer

    open_tab(browser, "总览")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: "盖州市" in " ".join(texts(d, "#coverage [role='columnheader']")),
        message="the coverage matrix has no column for 盖州市")
    assert "上级任务" in texts(browser, "#coverage [role='columnheader']")  # 营口市's rows are parents now too
    browser.execute_script("document.querySelector('#coverage').scrollIntoView({block: 'start'})")
    browser.save_screenshot(str(ARTIFACTS / "overview-new-place.png"))
