"""`ideo serve` and the exported site in a real browser: headless Chromium driven by Selenium.

Skipped (with the reason) when Chromium, its driver or Selenium is missing; `.ci/run` installs them.
With IDEO_SCREENSHOTS=DIR set, also writes the README's screenshots of the shipped corpus into DIR.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from webserver import hostile_corpus, library_for, running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SHIPPED_CORPUS = Path(__file__).parent.parent / "corpus"

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("headless Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)  # fmt: skip
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT_SECONDS = 20


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="ideo-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", "--window-size=1100,900"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    except Exception as error:  # a driver that does not match the browser, say
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"headless Chromium did not start: {error}".splitlines()[0])
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    with running(library_for(hostile_corpus(root), root / "index")) as url:
        yield url


def wait(driver: webdriver.Chrome) -> WebDriverWait:
    return WebDriverWait(driver, WAIT_SECONDS)


def no_script_ran(driver: webdriver.Chrome) -> None:
    assert driver.execute_script("return window.pwned === undefined"), driver.execute_script("return window.pwned")
    try:
        alert = driver.switch_to.alert
        pytest.fail(f"an alert opened: {alert.text}")
    except NoAlertPresentException:
        pass


def type_and_follow(driver: webdriver.Chrome, query: str, slug: str) -> None:
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(query)
    link = wait(driver).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, f'#suggestions a[href$="entry/{slug}.html"]'))
    )
    link.click()
    wait(driver).until(ec.url_contains(f"entry/{slug}.html"))


def test_search_as_you_type_then_follow_a_result_and_a_cross_reference(browser: webdriver.Chrome, base: str) -> None:
    browser.get(base)
    assert browser.title == "Home · ideo"
    type_and_follow(browser, "alpha", "alphaism")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alphaism"
    browser.find_element(By.CSS_SELECTOR, '.body a[href$="entry/rolling-reform.html"]').click()
    wait(browser).until(ec.url_contains("entry/rolling-reform.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Rolling reform"
    browser.find_element(By.CSS_SELECTOR, 'svg.graph a[href$="entry/alphaism.html"]')  # the neighbourhood picture
    no_script_ran(browser)


@pytest.mark.parametrize("page", ["", "entry/alphaism.html", "entry/hostile.html", "timeline.html", "search.html?q=x"])
def test_pages_break_no_rule_of_their_own_policy(browser: webdriver.Chrome, base: str, page: str) -> None:
    browser.get_log("browser")  # forget what came before
    browser.get(base + page)
    browser.find_element(By.TAG_NAME, "h1")
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_keyboard_reaches_the_results(browser: webdriver.Chrome, base: str) -> None:
    browser.get(base)
    box = browser.find_element(By.ID, "q")
    box.send_keys("rolling")
    wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions a")))
    box.send_keys(Keys.ARROW_DOWN)
    focused = browser.switch_to.active_element
    assert focused.tag_name == "a" and focused.get_attribute("href").endswith("entry/rolling-reform.html")
    focused.send_keys(Keys.ENTER)
    wait(browser).until(ec.url_contains("entry/rolling-reform.html"))


def test_a_search_error_is_shown_not_thrown(browser: webdriver.Chrome, base: str) -> None:
    browser.get(base)
    browser.find_element(By.ID, "q").send_keys("*")
    note = wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions .message")))
    assert "prefix" in note.text


def test_the_hostile_entry_runs_no_script(browser: webdriver.Chrome, base: str) -> None:
    browser.get(base)
    type_and_follow(browser, "hostile", "hostile")
    no_script_ran(browser)
    assert "<script>" in browser.find_element(By.TAG_NAME, "h1").text  # shown as text
    schemes = browser.execute_script(
        "return Array.from(document.querySelectorAll('[href]'), e => new URL(e.getAttribute('href'), document.baseURI).protocol)"
    )
    assert schemes and set(schemes) <= {"http:", "https:"}, schemes
    browser.get(base + "search.html?q=hostile")
    no_script_ran(browser)
    browser.get(base + "entry/hostile.html")
    browser.find_element(By.PARTIAL_LINK_TEXT, "cross").click()  # its cross-reference still works
    wait(browser).until(ec.url_contains("entry/alphaism.html"))
    no_script_ran(browser)


@pytest.mark.parametrize("page", ["", "entry/alphaism.html", "timeline.html", "entry/hostile.html"])
def test_fits_a_phone_screen(browser: webdriver.Chrome, base: str, page: str) -> None:
    browser.set_window_size(390, 800)
    try:
        browser.get(base + page)
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        browser.set_window_size(1100, 900)


def test_the_exported_site_searches_from_file_urls(browser: webdriver.Chrome, tmp_path: Path) -> None:
    from ideocli.web.export import export_html

    root = tmp_path / "export"
    root.mkdir()
    export_html(library_for(hostile_corpus(root), root / "index"), str(root / "site"))
    browser.get((root / "site" / "index.html").as_uri())
    random_entry = wait(browser).until(ec.visibility_of_element_located((By.ID, "random-entry")))
    assert random_entry.find_element(By.CSS_SELECTOR, "a").get_attribute("href").startswith("file://")
    type_and_follow(browser, "rolling", "rolling-reform")
    browser.find_element(By.CSS_SELECTOR, '.body a[href$="entry/grand-council.html"]').click()
    wait(browser).until(ec.url_contains("entry/grand-council.html"))
    type_and_follow(browser, "hostile", "hostile")
    no_script_ran(browser)
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("alpha", Keys.ENTER)
    wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, '#search-results a[href$="alphaism.html"]')))


@pytest.mark.skipif(not os.environ.get("IDEO_SCREENSHOTS"), reason="set IDEO_SCREENSHOTS=DIR to write screenshots")
def test_screenshots(browser: webdriver.Chrome, tmp_path: Path) -> None:
    target = Path(os.environ["IDEO_SCREENSHOTS"])
    target.mkdir(parents=True, exist_ok=True)
    library = library_for(SHIPPED_CORPUS, tmp_path / "index")
    with running(library) as url:
        browser.set_window_size(1000, 760)
        browser.get(url)
        browser.save_screenshot(str(target / "home.png"))
        browser.find_element(By.ID, "q").send_keys("permanent rev")
        wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions a")))
        browser.save_screenshot(str(target / "search.png"))
        browser.get(url + "entry/trotskyism.html")
        browser.save_screenshot(str(target / "entry.png"))
        browser.execute_script("document.getElementById('nb-h').scrollIntoView()")
        browser.save_screenshot(str(target / "neighbourhood.png"))
