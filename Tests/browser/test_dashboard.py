"""The dashboard in a real headless Chromium against the real built binary: sign in, gallery,
playground, task page, channels, tokens, a client token's narrower view, and phone width.

Needs the debug build (`swift build`), Debian's `chromium` and `chromium-driver`, and is run by
scripts/browser-tests. Screenshots go to .build/artifacts/dashboard-*.png."""

import json
import os
import pathlib
import shutil
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from lumagate_process import BINARY, ROOT, LumagateProcess  # noqa: E402

ARTIFACTS = ROOT / ".build" / "artifacts"
CHROMIUM = os.environ.get("LUMAGATE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LUMAGATE_CHROMEDRIVER", "/usr/bin/chromedriver")
# Rendering a sandbox video takes ffmpeg a second or two, longer on a busy machine.
WAIT = 60


class Gateway(LumagateProcess):
    """`lumagate serve` with the sandbox engine's short stages, an admin and a client token."""

    def __init__(self, directory):
        super().__init__(directory)
        self.admin = self.create_token("ops", "--admin")
        self.client = self.create_token("client")
        self.start("--sandbox-queued-seconds", "0.3", "--sandbox-dreaming-seconds", "0.5")

    def request(self, method, path, token=None, body=None):
        """(status, headers, body bytes) of one real HTTP request."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, method, path, token, body=None):
        status, _, raw = self.request(method, path, token, body)
        assert status in (200, 201), f"{method} {path}: {status} {raw[:300]!r}"
        return json.loads(raw)

    def wait_finished(self, task_id, token):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            task = self.json("GET", f"/luma/generations/{task_id}", token)
            if task["state"] in ("completed", "failed"):
                return task
            time.sleep(0.2)
        raise AssertionError(f"task {task_id} did not finish")



@pytest.fixture(scope="module")
def gateway():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    with tempfile.TemporaryDirectory() as directory:
        running = Gateway(directory)
        yield running
        running.stop()


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(path):
            pytest.fail(f"{path} is missing: apt-get install chromium chromium-driver (scripts/install-dependencies)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-proxy-server",
                     "--window-size=1280,900", "--autoplay-policy=no-user-gesture-required", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # A driver path given means Selenium Manager never tries to download a driver or a browser.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 900)
    # Every timer the page sets is written down, so a test can tell that nothing polls.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        window.__timers = [];
        for (const name of ['setTimeout', 'setInterval']) {
          const original = window[name];
          window[name] = (callback, delay, ...rest) => {
            window.__timers.push({ kind: name, delay: delay || 0 });
            return original(callback, delay, ...rest);
          };
        }"""})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=WAIT, message=""):
    # Views re-render as they refresh: an element found a moment ago may be gone; look again.
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition, message)


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def screenshot(driver, name, whole_page=False):
    path = ARTIFACTS / f"dashboard-{name}.png"
    size = driver.get_window_size()
    if whole_page:
        # A screenshot holds the viewport only: make the window as tall as the page for it.
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(size["width"], min(height + 300, 4000))
        time.sleep(0.3)
    driver.save_screenshot(str(path))
    if whole_page:
        driver.set_window_size(size["width"], size["height"])
    print(f"screenshot: {path}")
    return path


def role(driver):
    return driver.execute_script("return document.body.dataset.role || null")


def sign_in(driver, gateway, token):
    """Signs out whoever the page remembers, through the page, then signs in with `token`."""
    driver.get(gateway.base + "/dashboard#/gallery")
    # The page first tries the token it kept; it has settled once it shows a role or the form.
    wait(driver, lambda d: role(d) or css(d, "#token-input").is_displayed())
    if role(driver):
        css(driver, "#sign-out").click()
    field = wait(driver, lambda d: css(d, "#token-input") if css(d, "#token-input").is_displayed() else None)
    field.clear()
    field.send_keys(token)
    css(driver, "#sign-in").click()
    return wait(driver, role, message="sign-in did not finish")


def png(width, height):
    """A small gradient PNG, written by hand so the test needs no imaging library."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def javascript_errors(driver):
    # A 403 from /admin/usage is how a client token is told apart; the browser logs it as a failed load.
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]


def test_assets_are_served_from_the_binary_without_a_token(gateway):
    for path, content_type in [("/dashboard", "text/html"), ("/dashboard/", "text/html"),
                               ("/dashboard/app.js", "text/javascript"), ("/dashboard/style.css", "text/css")]:
        status, headers, body = gateway.request("GET", path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(content_type), (path, headers["Content-Type"])
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert int(headers["Content-Length"]) == len(body) > 100
    page = gateway.request("GET", "/dashboard")[2].decode()
    # Everything is local: no script, stylesheet or font from another host.
    assert "http://" not in page and "https://" not in page
    assert 'src="/dashboard/app.js"' in page and 'href="/dashboard/style.css"' in page
    assert gateway.request("GET", "/dashboard/missing.js")[0] == 404


def test_a_wrong_token_is_refused_on_the_sign_in_form(gateway, browser):
    browser.get(gateway.base + "/dashboard")
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    wait(browser, lambda d: css(d, "#token-input").is_displayed())
    css(browser, "#token-input").send_keys("not-a-token")
    css(browser, "#sign-in").click()
    error = wait(browser, lambda d: css(d, "#sign-in-error") if css(d, "#sign-in-error").is_displayed() else None)
    assert "not accepted" in error.text
    screenshot(browser, "sign-in")
    assert not css(browser, "#nav").is_displayed()
    assert browser.execute_script("return localStorage.getItem('lumagate.token')") is None


def test_admin_makes_a_video_in_the_playground_and_follows_it_everywhere(gateway, browser):
    # A channel that cannot work (nothing listens on port 9), so test/disable/enable have something to act on.
    gateway.json("POST", "/admin/channels", gateway.admin, {
        "kind": "luma-relay", "name": "backup", "key": "relay-secret-123456", "base_url": "http://127.0.0.1:9",
        "priority": 2, "weight": 3, "models": ["ray-2"], "max_in_flight": 4})
    # An earlier finished task, so the gallery has something before the playground adds to it.
    earlier = gateway.json("POST", "/luma/generations", gateway.admin, {"user_prompt": "a lighthouse in a storm, cinematic"})
    gateway.wait_finished(earlier["id"], gateway.admin)

    assert sign_in(browser, gateway, gateway.admin) == "admin"
    assert css(browser, "#role").text.lower() == "admin"
    assert browser.title == "Gallery · lumagate"
    for name in ("gallery", "playground", "channels", "tokens"):
        assert css(browser, f'#nav a[data-nav="{name}"]').is_displayed(), name
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'article[data-task-id="{earlier["id"]}"][data-state="completed"]'))

    # Playground: submit, watch it move, see the finished video load in the page.
    css(browser, '#nav a[data-nav="playground"]').click()
    prompt = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#prompt"))[0]
    prompt.send_keys("a red fox running through snow at dawn")
    Select(css(browser, "#aspect-ratio")).select_by_value("9:16")
    Select(css(browser, "#model")).select_by_value("ray-3.2")
    started = time.time()
    css(browser, "#submit").click()
    progress = wait(browser, lambda d: css(d, "#progress") if css(d, "#progress").is_displayed() else None)
    task_id = progress.get_attribute("data-task-id")
    assert task_id
    seen_states = set()

    def video_loaded(driver):
        seen_states.add(progress.get_attribute("data-state"))
        return driver.execute_script("""
            const video = document.querySelector('video#result');
            return video && video.currentSrc.endsWith('.mp4') && video.readyState >= 1 ? video.currentSrc : null;""")

    src = wait(browser, video_loaded, message="the finished video never loaded in the playground")
    assert src.startswith(gateway.base + "/media/") and task_id in src
    assert progress.get_attribute("data-state") == "completed"
    assert seen_states & {"pending", "processing"}, "the progress never showed the task unfinished"
    elapsed = float(css(browser, "#elapsed").text.split()[0])
    assert 0.5 < elapsed <= time.time() - started + 1
    # What the page shows is what the API says.
    task = gateway.json("GET", f"/luma/generations/{task_id}", gateway.admin)
    assert task["state"] == "completed" and task["request"]["aspect_ratio"] == "9:16"
    assert task["request"]["prompt"] == "a red fox running through snow at dawn" and task["request"]["model_name"] == "ray-3.2"
    width, height = browser.execute_script("const v = document.querySelector('video#result'); return [v.videoWidth, v.videoHeight]")
    assert (width, height) == (task["video"]["width"], task["video"]["height"]) and height > width
    screenshot(browser, "playground")

    # Gallery: the new task is first and completed, and its preview plays on hover.
    css(browser, '#nav a[data-nav="gallery"]').click()
    card = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'article[data-task-id="{task_id}"][data-state="completed"]'))[0]
    cards = browser.find_elements(By.CSS_SELECTOR, "#gallery article")
    assert [c.get_attribute("data-task-id") for c in cards[:2]] == [task_id, earlier["id"]]
    assert card.find_element(By.CSS_SELECTOR, "[data-state-badge]").text == "completed"
    assert "red fox" in card.find_element(By.CSS_SELECTOR, ".prompt").text
    assert "ops" in card.find_element(By.CSS_SELECTOR, ".meta").text
    preview = card.find_element(By.CSS_SELECTOR, "video")
    assert preview.get_attribute("muted") is not None and preview.get_attribute("loop") is not None
    assert preview.get_attribute("poster").endswith(".jpg")
    ActionChains(browser).move_to_element(card.find_element(By.CSS_SELECTOR, ".media")).perform()
    wait(browser, lambda d: d.execute_script("return !arguments[0].paused && arguments[0].readyState >= 2", preview),
         message="the preview did not play on hover")
    ActionChains(browser).move_to_element(css(browser, "#view h1")).perform()
    wait(browser, lambda d: d.execute_script("return arguments[0].paused", preview), message="the preview did not stop")
    screenshot(browser, "gallery")

    # Filters: by state, token and channel, through the admin API.
    Select(css(browser, "#filter-state")).select_by_value("failed")
    wait(browser, lambda d: "state=failed" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#gallery .empty"))
    Select(css(browser, "#filter-state")).select_by_value("completed")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gallery article")) == 2)
    # Each filter reloads the view; the admin-only filters come with the token and channel names.
    select = lambda selector: Select(wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, selector))[0])
    select("#filter-token").select_by_visible_text("client")
    wait(browser, lambda d: "token=client" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#gallery .empty"))
    select("#filter-token").select_by_visible_text("ops")
    wait(browser, lambda d: "token=ops" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#gallery article"))
    select("#filter-channel").select_by_visible_text("sandbox")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gallery article")) == 2)
    assert "channel=sandbox" in browser.current_url and "token=ops" in browser.current_url

    # Task page: the video large, the events, both API shapes.
    browser.find_element(By.CSS_SELECTOR, f'article[data-task-id="{task_id}"] a').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#events li"))
    assert css(browser, "#task-id").text == task_id
    events = [li.get_attribute("data-event-to") for li in browser.find_elements(By.CSS_SELECTOR, "#events li")]
    assert events[-1] == "completed" and "processing" in events
    admin_detail = gateway.json("GET", f"/admin/tasks/{task_id}", gateway.admin)
    assert events == [event["to"] for event in admin_detail["events"]]
    relay = json.loads(css(browser, "#json-relay").get_property("textContent"))
    official = json.loads(css(browser, "#json-official").get_property("textContent"))
    assert relay["id"] == official["id"] == task_id
    assert relay["state"] == "completed" and relay["video"]["url"].endswith(".mp4")
    assert official["state"] == "completed" and official["assets"]["video"] == relay["video"]["url"]
    wait(browser, lambda d: d.execute_script("return document.querySelector('#task-media').readyState >= 1"))
    screenshot(browser, "task", whole_page=True)

    # Channels: health, in-flight bar, and the three buttons doing what they say.
    css(browser, '#nav a[data-nav="channels"]').click()
    channel = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, 'article[data-channel="backup"]'))[0]
    assert channel.find_element(By.CSS_SELECTOR, "[data-health]").text == "restart to use"
    assert channel.find_element(By.CSS_SELECTOR, "[data-in-flight]").text == "0 / 4"
    assert "ray-2" in channel.text and "http://127.0.0.1:9" in channel.text and "relay-secret-123456" not in channel.text
    channel.find_element(By.CSS_SELECTOR, '[data-action="test"]').click()
    result = wait(browser, lambda d: css(d, "[data-test-result]") if css(d, "[data-test-result]").is_displayed() else None)
    assert result.text.startswith("✗")
    css(browser, 'article[data-channel="backup"] [data-action="disable"]').click()
    wait(browser, lambda d: css(d, 'article[data-channel="backup"]').get_attribute("data-health") == "disabled")
    assert css(browser, 'article[data-channel="backup"] [data-disabled-reason]').text == "disabled by an operator"
    assert gateway.json("GET", "/admin/channels", gateway.admin)["channels"][0]["enabled"] is False
    screenshot(browser, "channels")
    css(browser, 'article[data-channel="backup"] [data-action="enable"]').click()
    wait(browser, lambda d: css(d, 'article[data-channel="backup"]').get_attribute("data-health") == "restart to use")
    assert gateway.json("GET", "/admin/channels", gateway.admin)["channels"][0]["enabled"] is True

    # Tokens: the usage the API reports, per token and in total.
    css(browser, '#nav a[data-nav="tokens"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#tokens tr[data-token="ops"]'))
    usage = gateway.json("GET", "/admin/usage", gateway.admin)
    as_int = lambda text: int(text.replace(",", ""))
    assert as_int(css(browser, "#total-charged").text) == usage["charged"] > 0
    assert as_int(css(browser, "#total-net").text) == usage["net"]
    for token in usage["tokens"]:
        row = css(browser, f'#tokens tr[data-token="{token["name"]}"]')
        assert as_int(row.find_element(By.CSS_SELECTOR, "[data-used]").text) == token["used"]
        shown = {cell.get_attribute("data-count"): int(cell.text) for cell in row.find_elements(By.CSS_SELECTOR, "[data-count]")}
        assert shown == token["tasks"]
    assert css(browser, '#tokens tr[data-token="ops"] [data-count="completed"]').text == "2"
    screenshot(browser, "tokens")
    assert javascript_errors(browser) == []


def test_playground_sends_a_first_frame_and_shows_a_failure(gateway, browser, tmp_path):
    sign_in(browser, gateway, gateway.admin)
    browser.get(gateway.base + "/dashboard#/playground")
    image = tmp_path / "frame.png"
    image.write_bytes(png(160, 90))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#prompt"))[0].send_keys("a boat on a gradient sea")
    css(browser, "#image").send_keys(str(image))
    # FileReader has turned the file into a data: URI once its preview shows.
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#image-preview img[src^="data:image/png;base64,"]'))
    css(browser, "#submit").click()
    wait(browser, lambda d: d.execute_script(
        "const v = document.querySelector('video#result'); return v && v.currentSrc.endsWith('.mp4') && v.readyState >= 1"))
    task_id = css(browser, "#progress").get_attribute("data-task-id")
    task = gateway.json("GET", f"/luma/generations/{task_id}", gateway.admin)
    # The gateway stored the inline image and names its own copy; base64 is never echoed back.
    assert task["request"]["image_url"].startswith(gateway.base + "/media/")

    prompt = css(browser, "#prompt")
    prompt.clear()
    prompt.send_keys("this one breaks sandbox:fail")
    css(browser, "#image").clear()
    css(browser, "#submit").click()
    reason = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#failure-reason"))[0]
    assert "on purpose" in reason.text
    assert css(browser, "#progress").get_attribute("data-state") == "failed"
    assert not browser.find_elements(By.CSS_SELECTOR, "video#result")
    # The gallery shows the failure and its reason.
    browser.get(gateway.base + "/dashboard#/gallery?state=failed")
    card = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, 'article[data-state="failed"]'))[0]
    assert "on purpose" in card.find_element(By.CSS_SELECTOR, "[data-failure]").text
    assert card.find_element(By.CSS_SELECTOR, "[data-state-badge]").text == "failed"


def test_playground_makes_images_and_edits_through_the_agents_face(gateway, browser, tmp_path):
    maker = gateway.create_token("maker")
    sign_in(browser, gateway, maker)
    browser.get(gateway.base + "/dashboard#/playground")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#prompt"))

    def make(kind, prompt, model=None, ratio=None):
        Select(css(browser, "#kind")).select_by_value(kind)
        if model:
            Select(css(browser, "#model")).select_by_value(model)
        if ratio:
            Select(css(browser, "#aspect-ratio")).select_by_value(ratio)
        field = css(browser, "#prompt")
        field.clear()
        field.send_keys(prompt)
        before = browser.find_elements(By.CSS_SELECTOR, "#progress[data-task-id]")
        previous = before[0].get_attribute("data-task-id") if before else None
        css(browser, "#submit").click()
        task_id = wait(browser, lambda d: (css(d, "#progress").get_attribute("data-task-id") or None)
                       if css(d, "#progress").get_attribute("data-task-id") != previous else None)
        wait(browser, lambda d: css(d, "#progress").get_attribute("data-state") == "completed",
             message=f"the {kind} never finished")
        return task_id, gateway.json("GET", f"/agents/v1/generations/{task_id}", maker)

    def image_size():
        return wait(browser, lambda d: d.execute_script("""
            const image = document.querySelector('img#result-image');
            return image && image.complete && image.naturalWidth ? [image.naturalWidth, image.naturalHeight] : null;"""),
            message="the image never loaded")

    # An image: fields the kind does not use are hidden, the result is shown as an image.
    Select(css(browser, "#kind")).select_by_value("image")
    assert not css(browser, "#duration").is_displayed() and not css(browser, "#image").is_displayed()
    _, made = make("image", "a paper crane on a desk", model="uni-1-max", ratio="3:2")
    assert made["type"] == "image" and made["model"] == "uni-1-max"
    assert image_size() == [2048, 1366]
    assert made["output"][0]["url"] == browser.execute_script("return document.querySelector('img#result-image').src")
    screenshot(browser, "playground-image")

    # An image edit of a file chosen in the page.
    Select(css(browser, "#kind")).select_by_value("image_edit")
    assert css(browser, "#image").is_displayed() and not css(browser, "#duration").is_displayed()
    source = tmp_path / "source.png"
    source.write_bytes(png(300, 200))
    css(browser, "#image").send_keys(str(source))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#image-preview img[src^="data:image/png;base64,"]'))
    _, edited = make("image_edit", "make it look like winter", ratio="2:3")
    assert edited["type"] == "image_edit"
    assert image_size() == [1366, 2048]

    # A ray-3.2 video, then an edit of it: the video's id is offered as the edit's source.
    video_id, _ = make("video", "a tram crossing a bridge", model="ray-3.2", ratio="16:9")
    Select(css(browser, "#kind")).select_by_value("video_edit")
    assert css(browser, "#source").get_attribute("value") == video_id
    edit_id, video_edit = make("video_edit", "at night, neon lights")
    assert video_edit["type"] == "video_edit" and edit_id != video_id
    src = wait(browser, lambda d: d.execute_script("""
        const video = document.querySelector('video#result');
        return video && video.readyState >= 1 ? video.currentSrc : null;"""), message="the edited video never loaded")
    assert edit_id in src

    # A source that is not a video of this token is refused in the page with the gateway's words.
    css(browser, "#source").clear()
    css(browser, "#source").send_keys("00000000-0000-4000-8000-000000000000")
    css(browser, "#submit").click()
    error = wait(browser, lambda d: css(d, "#submit-error") if css(d, "#submit-error").is_displayed() else None)
    assert "source" in error.text.lower()


def test_a_client_token_sees_only_its_own_tasks(gateway, browser):
    own = gateway.json("POST", "/luma/generations", gateway.client, {"user_prompt": "the client's own paper boat"})
    pending = gateway.json("POST", "/luma/generations", gateway.client, {"user_prompt": "the client's second boat"})
    gateway.wait_finished(own["id"], gateway.client)
    admin_ids = {task["id"] for task in gateway.json("GET", "/admin/tasks?token=ops", gateway.admin)["tasks"]}
    assert admin_ids

    assert sign_in(browser, gateway, gateway.client) == "client"
    assert css(browser, "#role").text.lower() == "client"
    assert css(browser, '#nav a[data-nav="playground"]').is_displayed()
    assert not css(browser, '#nav a[data-nav="channels"]').is_displayed()
    assert not css(browser, '#nav a[data-nav="tokens"]').is_displayed()
    # The unfinished one finishes while the page is open: the gallery refreshes by itself, from
    # the token's stream, with no timer to poll by.
    browser.execute_script("window.__timers = []")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'article[data-task-id="{pending["id"]}"][data-state="completed"]'))
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/luma/stream'))")
    later = gateway.json("POST", "/luma/generations", gateway.client, {"user_prompt": "a boat made while watching"})
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'article[data-task-id="{later["id"]}"][data-state="completed"]'))
    assert browser.execute_script("return window.__timers.filter((timer) => timer.kind === 'setInterval' || timer.delay >= 500)") == []
    shown = {card.get_attribute("data-task-id") for card in browser.find_elements(By.CSS_SELECTOR, "#gallery article")}
    assert shown == {own["id"], pending["id"], later["id"]}
    assert not shown & admin_ids
    assert not browser.find_elements(By.CSS_SELECTOR, "#filter-token")

    # Its task page shows both shapes, read through the client API.
    browser.find_element(By.CSS_SELECTOR, f'article[data-task-id="{own["id"]}"] a').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#json-official"))
    assert json.loads(css(browser, "#json-relay").get_property("textContent"))["id"] == own["id"]
    assert json.loads(css(browser, "#json-official").get_property("textContent"))["state"] == "completed"
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#events li"))
    events = [li.get_attribute("data-event-to") for li in browser.find_elements(By.CSS_SELECTOR, "#events li")]
    assert events == ["pending", "processing", "completed"]
    # Another token's task is not there for it.
    browser.get(gateway.base + f"/dashboard#/task/{next(iter(admin_ids))}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#view .error"))
    browser.get(gateway.base + "/dashboard#/channels")
    wait(browser, lambda d: "for admin tokens" in css(d, "#view").text)

    css(browser, "#sign-out").click()
    wait(browser, lambda d: css(d, "#token-input").is_displayed())
    assert browser.execute_script("return localStorage.getItem('lumagate.token')") is None
    assert javascript_errors(browser) == []


def test_phone_width_has_one_column_a_folded_nav_and_no_sideways_scroll(gateway, browser):
    sign_in(browser, gateway, gateway.admin)
    # Every task the earlier tests made, failed ones too, as an admin sees them on a desktop.
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gallery article")) >= 6)
    screenshot(browser, "gallery-all")
    # A phone's viewport (the size of an iPhone's): CSS pixels, touch, the page's meta viewport honored.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})
    try:
        task_id = gateway.json("GET", "/admin/tasks?state=completed&limit=1", gateway.admin)["tasks"][0]["id"]
        for hash_route in ("#/gallery", f"#/task/{task_id}", "#/channels", "#/tokens", "#/playground"):
            browser.get(gateway.base + "/dashboard" + hash_route)
            wait(browser, lambda d: d.execute_script("return document.querySelector('#view').children.length > 0"))
            wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#view .spinner-page"))
            time.sleep(0.3)
            assert browser.execute_script("return window.innerWidth") == 375
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 375, f"{hash_route} is {width} px wide"
            if hash_route == "#/gallery":
                wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#gallery article"))
                lefts = {card.rect["x"] for card in browser.find_elements(By.CSS_SELECTOR, "#gallery article")}
                assert len(lefts) == 1, "the gallery is not one column"
                # Phones have no hover: a tap on a preview plays it instead of opening the task.
                media = css(browser, "#gallery article .media")
                x, y = browser.execute_script(
                    "const r = arguments[0].getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]", media)
                browser.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
                browser.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
                wait(browser, lambda d: d.execute_script("return !arguments[0].paused", media.find_element(By.CSS_SELECTOR, "video")),
                     message="a tap did not play the preview")
                assert browser.current_url.endswith("#/gallery")
                screenshot(browser, "phone")
        # The nav folds behind the menu button and opens from it.
        assert css(browser, "#nav-toggle").is_displayed()
        assert not css(browser, '#nav a[data-nav="channels"]').is_displayed()
        css(browser, "#nav-toggle").click()
        assert css(browser, "#nav-toggle").get_attribute("aria-expanded") == "true"
        wait(browser, lambda d: css(d, '#nav a[data-nav="channels"]').is_displayed())
        screenshot(browser, "phone-menu")
        css(browser, '#nav a[data-nav="gallery"]').click()
        wait(browser, lambda d: not css(d, '#nav a[data-nav="channels"]').is_displayed())
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
