"""In headless Chromium against the running assistant: the widget page on a phone-sized screen in English and
in Spanish (browser language), its buttons and source links, and the staff page. Screenshots go to
tests/artifacts/. Skips with the reason when no Chromium, chromedriver or Selenium is available."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.web import i18n

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CAMINO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CAMINO_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844, "pixelRatio": 2}
WAIT_S = 90


def _no_browser_reason():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in requirements.lock: make venv)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver; `make test` does it as root)"
    if not os.access(CHROMEDRIVER, os.X_OK):
        return "no chromedriver (apt-get install chromium-driver; `make test` does it as root)"
    return None


@pytest.fixture
def browser():
    """Opens headless Chromium in a language, phone-sized or desktop; each with a fresh profile."""
    reason = _no_browser_reason()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opened = []

    def open_browser(lang: str = "en", phone: bool = False):
        profile = tempfile.mkdtemp(prefix="camino-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}", f"--lang={lang}", "--window-size=1280,900"]:
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": lang})
        if phone:
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        opened.append((driver, profile))
        return driver

    yield open_browser
    for driver, profile in opened:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, message: str, timeout: float = WAIT_S):
    """Polls `condition` until it is truthy; the widget re-renders as messages arrive, so an element found
    a moment ago may be gone (stale): that just means try again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(
        driver, timeout, poll_frequency=0.25, ignored_exceptions=[StaleElementReferenceException]
    ).until(condition, message)


def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def chat_text(driver) -> str:
    return " ".join(element.text for element in css(driver, ".rw-message"))


def ask(driver, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    field = wait_for(driver, lambda d: next(iter(css(d, ".rw-new-message")), None), "no message field")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def source_cards(driver) -> int:
    return len(css(driver, ".camino-sources"))


def check_page_is_self_contained(driver, bot, expected_errors: str = "^$") -> None:
    """Everything the page loaded came from our web server or Rasa; the console shows no other errors
    (no Content-Security-Policy violation, no failed script)."""
    hosts = {urlsplit(bot["web_url"]).netloc, urlsplit(bot["url"]).netloc}
    loaded = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in loaded if not u.startswith("data:") and urlsplit(u).netloc not in hosts] == []
    errors = [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not re.search(expected_errors, e["message"])
    ]
    assert errors == []


@pytest.mark.parametrize(
    "lang,question,source_label",
    [
        ("en", "how do magnet points work?", "Source ("),
        ("es", "¿cómo funcionan los puntos de magnet?", "Fuente (ciclo escolar"),
    ],
)
def test_widget_answers_in_the_browser_language_with_source_links(browser, running_bot, lang, question, source_label):
    driver = browser(lang, phone=True)
    driver.get(running_bot["web_url"] + "/")
    assert driver.title == i18n.text("page_title", lang)
    assert driver.execute_script("return document.documentElement.lang") == lang
    field = wait_for(driver, lambda d: next(iter(css(d, ".rw-new-message")), None), "the widget did not load")
    assert field.get_attribute("placeholder") == i18n.text("placeholder", lang)
    greeting = "I'm Camino" if lang == "en" else "Soy Camino"  # the first turn follows the browser language
    wait_for(driver, lambda d: greeting in chat_text(d), f"no greeting in {lang}")

    ask(driver, question)
    wait_for(driver, lambda d: source_cards(d) >= 1, "no answer with its sources")
    assert source_label in chat_text(driver)
    text_links = [a.get_attribute("href") for a in css(driver, ".rw-response a")]
    card_links = [a.get_attribute("href") for a in css(driver, ".camino-sources a")]
    assert card_links and all(re.match(r"https?://", href) for href in card_links)
    assert card_links[0] in text_links  # the answer's "Source (...): URL" is a link too
    assert all(a.get_attribute("rel") == "noopener noreferrer" for a in css(driver, ".camino-sources a"))
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(driver, f"widget-{lang}-phone.png")
    check_page_is_self_contained(driver, running_bot)


def test_widget_buttons_answer(browser, running_bot):
    driver = browser("en", phone=True)
    driver.get(running_bot["web_url"] + "/")
    wait_for(driver, lambda d: "I'm Camino" in chat_text(d), "no greeting")
    ask(driver, "help")
    wait_for(driver, lambda d: len(css(d, ".rw-replies .rw-reply")) > 3, "no topic buttons")
    screenshot(driver, "widget-en-buttons.png")
    wait_for(driver, lambda d: css(d, ".rw-replies .rw-reply")[0].click() or True, "a button could not be clicked")
    wait_for(driver, lambda d: source_cards(d) >= 1, "the button got no answer")
    screenshot(driver, "widget-en-button-answer.png")


def test_staff_page_finds_both_languages(browser, running_bot):
    from selenium.webdriver.common.keys import Keys

    driver = browser("en")
    driver.get(running_bot["web_url"] + "/staff")
    token = wait_for(driver, lambda d: next((e for e in css(d, "#token") if e.is_displayed()), None), "no token form")
    token.send_keys("not the token", Keys.ENTER)
    wait_for(driver, lambda d: css(d, "#token-error")[0].is_displayed(), "a wrong token was not refused")
    css(driver, "#token")[0].send_keys(running_bot["staff_token"], Keys.ENTER)
    search = wait_for(driver, lambda d: next((e for e in css(d, "#q") if e.is_displayed()), None), "no search box")
    search.send_keys("how many points does a sibling give?", Keys.ENTER)
    wait_for(driver, lambda d: css(d, "#result")[0].is_displayed(), "no result")
    english = css(driver, "#answer-en .text")[0].text
    spanish = css(driver, "#answer-es .text")[0].text
    assert english and spanish and english != spanish and "hermano" in spanish.lower()
    assert re.fullmatch(r"\d{4}-\d{2}", css(driver, "#as-of")[0].text)
    assert all(a.get_attribute("href").startswith("http") for a in css(driver, "#sources a"))
    assert css(driver, "#sources a") and css(driver, "#more li")
    css(driver, "#answer-es .copy")[0].click()
    wait_for(driver, lambda d: css(d, "#answer-es .copy")[0].text == i18n.text("copied", "en"), "copy failed")
    screenshot(driver, "staff-desktop.png")
    driver.set_window_size(500, 1000)
    screenshot(driver, "staff-narrow.png")
    # The code stays for the tab: a reload goes straight to the search box.
    driver.refresh()
    wait_for(driver, lambda d: next((e for e in css(d, "#q") if e.is_displayed()), None), "the code was not kept")
    check_page_is_self_contained(driver, running_bot, expected_errors="status of 401")  # the wrong code
