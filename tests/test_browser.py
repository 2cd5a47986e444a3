"""In headless Chromium against the running assistant: the widget page on a phone-sized screen in English and
in Spanish (browser language), its buttons and source links, and the staff page with its tools.

Accessibility (WCAG 2.1 AA): axe-core (npm, a dev dependency; injected here, never served) finds no violation
on the widget in both languages after an answer and during a tool question, nor on the staff page after
sign-in and after each tool's result; both pages work by keyboard alone with a visible focus, new messages
are in a polite live region, and at 200% zoom nothing scrolls sideways and the input stays on screen.
Screenshots go to tests/artifacts/. Skips with the reason when no Chromium, chromedriver or Selenium is
available."""

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
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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


# --- accessibility -----------------------------------------------------------------------------------------


def axe_violations(driver) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, each as its rule id, impact and the
    first few elements (selector and why)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: run `make assets` (npm ci installs axe-core)")
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        window.axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(function (r) { done(r.violations.map(function (v) {
            return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) {
              return n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300);
            })};
          })); }, function (error) { done({error: String(error)}); });
        """,
        WCAG_21_AA,
    )
    assert not isinstance(result, dict), result
    return result


def assert_accessible(driver, where: str) -> None:
    violations = axe_violations(driver)
    assert violations == [], f"axe-core on {where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )


def press(driver, *keys) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver, selector: str, limit: int = 60):
    """Presses Tab (only Tab) until the focused element matches `selector`; it must show a focus outline."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        if driver.execute_script(
            "return !!document.activeElement && document.activeElement.matches(arguments[0])", selector
        ):
            break
        press(driver, Keys.TAB)
    else:
        pytest.fail(f"Tab never reached {selector}")
    focused = driver.switch_to.active_element
    outline = driver.execute_script(
        "var s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", focused
    )
    assert outline[0] != "none" and outline[1] != "0px", f"{selector} shows no focus outline: {outline}"
    return focused


def zoom_200(driver, width: int = 1280, height: int = 900) -> None:
    """The page as a `width` x `height` screen shows it at 200%: a viewport half as wide, pixels twice as big."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width // 2, "height": height // 2, "deviceScaleFactor": 2, "mobile": False},
    )


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


def fully_visible(driver, element) -> bool:
    return driver.execute_script(
        """
        var r = arguments[0].getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
            && r.right <= window.innerWidth && r.bottom <= window.innerHeight;""",
        element,
    )


def check_widget_accessibility_hooks(driver, lang: str) -> None:
    """What widget.js adds to the third-party widget: names in the page language and a live message list."""
    send = css(driver, ".rw-send")[0]
    assert send.get_attribute("aria-label") == i18n.text("send", lang)
    assert css(driver, ".rw-new-message")[0].get_attribute("aria-label") == i18n.text("message_label", lang)
    log = css(driver, ".rw-messages-container")[0]
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    assert log.get_attribute("aria-label") == i18n.text("conversation", lang)


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
    check_widget_accessibility_hooks(driver, lang)
    assert_accessible(driver, f"the widget in {lang} after an answer")
    check_page_is_self_contained(driver, running_bot)


@pytest.mark.parametrize(
    "lang,request_text,first_question",
    [
        ("en", "calculate my magnet points", "How many years in a row"),
        ("es", "calcular mis puntos de magnet", "¿Cuántos años seguidos"),
    ],
)
def test_widget_during_a_tool_question_is_accessible(browser, running_bot, lang, request_text, first_question):
    driver = browser(lang, phone=True)
    driver.get(running_bot["web_url"] + "/")
    wait_for(driver, lambda d: ("I'm Camino" if lang == "en" else "Soy Camino") in chat_text(d), "no greeting")
    ask(driver, request_text)
    wait_for(driver, lambda d: first_question in chat_text(d), "the tool's first question did not come")
    check_widget_accessibility_hooks(driver, lang)
    assert_accessible(driver, f"the widget in {lang} during a tool question")
    screenshot(driver, f"widget-{lang}-tool.png")


def test_widget_by_keyboard_alone_with_new_messages_announced(browser, running_bot):
    from selenium.webdriver.common.keys import Keys

    driver = browser("en")
    driver.get(running_bot["web_url"] + "/")
    wait_for(driver, lambda d: "I'm Camino" in chat_text(d), "no greeting")
    field = tab_to(driver, ".rw-new-message")
    assert field.get_attribute("aria-label") == i18n.text("message_label", "en")
    press(driver, "what is GATE?")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: source_cards(d) >= 1, "Enter sent no question, or it got no answer")
    # The answer arrived inside the polite live region, so screen readers read it out.
    assert driver.execute_script("""
        var log = document.querySelector('[role="log"][aria-live="polite"]');
        return !!log && !!log.querySelector('.camino-sources')
            && log.contains(document.querySelector('.rw-response'));""")
    # The send button works by keyboard too, and has a name.
    field = tab_to(driver, ".rw-new-message")
    press(driver, "what is a pilot school?")
    send = tab_to(driver, ".rw-send")
    assert send.get_attribute("aria-label") == i18n.text("send", "en")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: source_cards(d) >= 2, "the send button sent nothing")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_widget_at_200_percent_zoom(browser, running_bot, lang):
    driver = browser(lang)
    zoom_200(driver)
    driver.get(running_bot["web_url"] + "/")
    wait_for(driver, lambda d: ("I'm Camino" if lang == "en" else "Soy Camino") in chat_text(d), "no greeting")
    ask(driver, "how do magnet points work?" if lang == "en" else "¿cómo funcionan los puntos de magnet?")
    wait_for(driver, lambda d: source_cards(d) >= 1, "no answer")
    assert driver.execute_script("return window.innerWidth") == 640 and no_sideways_scroll(driver)
    assert fully_visible(driver, css(driver, ".rw-new-message")[0]), "the message field is off screen at 200%"
    assert fully_visible(driver, css(driver, ".rw-send")[0]), "the send button is off screen at 200%"
    screenshot(driver, f"widget-{lang}-zoom200.png")


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
    assert_accessible(driver, "the staff sign-in with a wrong code")
    css(driver, "#token")[0].send_keys(running_bot["staff_token"], Keys.ENTER)
    search = wait_for(driver, lambda d: next((e for e in css(d, "#q") if e.is_displayed()), None), "no search box")
    assert_accessible(driver, "the staff page after sign-in")
    search.send_keys("how many points does a sibling give?", Keys.ENTER)
    wait_for(driver, lambda d: css(d, "#result")[0].is_displayed(), "no result")
    assert_accessible(driver, "the staff page with an answer")
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


# --- the staff page's tools --------------------------------------------------------------------------------


def sign_in(driver, bot, lang: str = "en"):
    from selenium.webdriver.common.keys import Keys

    driver.get(bot["web_url"] + f"/staff?lang={lang}")
    token = wait_for(driver, lambda d: next((e for e in css(d, "#token") if e.is_displayed()), None), "no token form")
    token.send_keys(bot["staff_token"], Keys.ENTER)
    wait_for(driver, lambda d: css(d, "#tools")[0].is_displayed(), "no tools after sign-in")


def tool_result(driver, tool: str):
    """The tool's result block once shown: its English and Spanish columns' text."""
    block = wait_for(
        driver,
        lambda d: next((e for e in css(d, f"#tool-{tool} .tool-result") if e.is_displayed()), None),
        f"no {tool} result",
    )
    texts = {lang: css(driver, f'#tool-{tool} .answer[data-lang="{lang}"] .text')[0].text for lang in ("en", "es")}
    assert texts["en"] and texts["es"] and texts["en"] != texts["es"]
    assert css(driver, f"#tool-{tool} .sources a") and re.fullmatch(
        r"\d{4}-\d{2}", css(driver, f"#tool-{tool} .as-of")[0].text
    )
    return block, texts


@pytest.mark.parametrize("lang", ["en", "es"])
def test_staff_points_by_keyboard_alone(browser, running_bot, lang):
    """Sign in, fill in the magnet points form and send it with the keyboard only."""
    from selenium.webdriver.common.keys import Keys

    from bot.tools.points import estimate

    driver = browser(lang)
    driver.get(running_bot["web_url"] + "/staff")
    assert driver.execute_script("return document.documentElement.lang") == lang
    tab_to(driver, "#token")
    press(driver, running_bot["staff_token"], Keys.ENTER)
    wait_for(driver, lambda d: css(d, "#tools")[0].is_displayed(), "no tools after sign-in")
    tab_to(driver, "#points-years")
    press(driver, Keys.BACKSPACE, "2")
    tab_to(driver, "#points-resident")
    press(driver, Keys.ARROW_DOWN)  # Neither -> PHBAO
    tab_to(driver, '#points-form [name="sibling"]')
    press(driver, Keys.SPACE)
    tab_to(driver, "#points-form button[type=submit]")
    press(driver, Keys.ENTER)
    _, texts = tool_result(driver, "points")
    for language in ("en", "es"):
        expected = estimate(waitlist_years=2, resident="phbao", sibling=True, lang=language)
        assert expected["summary"] in texts[language] and expected["total"] == 15
        assert all(part["text"] in texts[language] for part in expected["parts"])
    assert css(driver, "#tool-points .status")[0].text == i18n.text("tool_done", lang)
    assert_accessible(driver, f"the staff page in {lang} after a points result")
    # The copy button, by keyboard, copies the Spanish text.
    tab_to(driver, '#tool-points .copy[data-lang="es"]')
    press(driver, Keys.ENTER)
    wait_for(
        driver,
        lambda d: css(d, '#tool-points .copy[data-lang="es"]')[0].text == i18n.text("copied", lang),
        "copy failed",
    )
    screenshot(driver, f"staff-{lang}-points.png")


def test_staff_ag_check_table_and_csv(browser, running_bot):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver = browser("en")
    sign_in(driver, running_bot)
    rows = css(driver, "#ag-rows tr")
    assert len(rows) == 4
    assert rows[0].find_element("css selector", "[data-column=area]").get_attribute("aria-label") == "Row 1: Area"
    for row, (area, year, grade) in zip(rows, [("a", "9", "B"), ("b", "9", "A-"), ("c", "10", "D")], strict=False):
        Select(row.find_element("css selector", "[data-column=area]")).select_by_value(area)
        Select(row.find_element("css selector", "[data-column=year]")).select_by_value(year)
        Select(row.find_element("css selector", "[data-column=grade]")).select_by_value(grade)
    # A row is added and removed by keyboard; the rows are renumbered.
    tab_to(driver, "#ag-add-row")
    press(driver, Keys.ENTER)
    assert len(css(driver, "#ag-rows tr")) == 5
    assert driver.switch_to.active_element.get_attribute("aria-label") == "Row 5: Area"
    tab_to(driver, "#ag-rows tr:nth-child(4) .ag-remove-row")
    press(driver, Keys.ENTER)
    assert [r.find_element("css selector", "th").text for r in css(driver, "#ag-rows tr")] == ["1", "2", "3", "4"]
    css(driver, "#ag-form button[type=submit]")[0].click()
    _, texts = tool_result(driver, "ag")
    assert "Row 3" in texts["en"] and "Fila 3" in texts["es"]  # the D in math is flagged
    assert_accessible(driver, "the staff page after an A-G result")
    # A bad pasted CSV: the error, in the page's language, in the tool's status.
    css(driver, "#ag-csv")[0].send_keys("area,year,grade\na,9,Q")
    css(driver, "#ag-form button[type=submit]")[0].click()
    wait_for(driver, lambda d: "Row 2" in css(d, "#tool-ag .status")[0].text, "no error for a bad CSV")
    assert not css(driver, "#tool-ag .tool-result")[0].is_displayed()
    css(driver, "#ag-csv")[0].clear()
    css(driver, "#ag-csv")[0].send_keys("area,year,grade,course\nb,9,A,\nc,9,B,Algebra 1")
    css(driver, "#ag-form button[type=submit]")[0].click()
    _, texts = tool_result(driver, "ag")
    assert "b) English: 1 of 4" in texts["en"]
    screenshot(driver, "staff-en-ag.png")


def test_staff_options_and_200_percent_zoom(browser, running_bot):
    from selenium.webdriver.support.ui import Select

    driver = browser("es")
    zoom_200(driver)
    sign_in(driver, running_bot, "es")
    assert driver.execute_script("return window.innerWidth") == 640 and no_sideways_scroll(driver)
    assert_accessible(driver, "the staff page in Spanish at 200% after sign-in")
    Select(css(driver, "#options-grade")[0]).select_by_value("6")
    css(driver, "#options-zip")[0].send_keys("90011")
    css(driver, '#options-form [name="english_learner"]')[0].click()
    css(driver, "#options-form button[type=submit]")[0].click()
    _, texts = tool_result(driver, "options")
    assert "6.º grado" in texts["es"] and "grade 6" in texts["en"]
    assert no_sideways_scroll(driver), "the page scrolls sideways at 200%"
    assert driver.execute_script("""return Array.from(document.querySelectorAll(
        '#tools select, #tools input, #tools button, #tools textarea')).every(function (e) {
          var r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; })"""), (
        "a tool's control is cut off at 200%"
    )
    assert_accessible(driver, "the staff page in Spanish after an options result")
    screenshot(driver, "staff-es-options-zoom200.png")
    check_page_is_self_contained(driver, running_bot)
