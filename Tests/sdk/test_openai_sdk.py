"""The OpenAI-shaped face (`/v1/videos`) judged by OpenAI's own Python SDK, pinned: what an app
or an AI gateway that speaks this API gets from lumagate, end to end on the sandbox engine."""

import base64
import json
import pathlib
import subprocess
import time
import urllib.request

import openai
import pytest

from conftest import png_data_uri

# The SDK marks every videos call deprecated (OpenAI retired Sora); the shape is what lumagate
# serves, so the warning says nothing about it.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def client(gateway, token=None, **options):
    return openai.OpenAI(base_url=gateway.base + "/v1", api_key=token or gateway.token, max_retries=0, **options)


def png_bytes():
    return base64.b64decode(png_data_uri(96, 64).split(",", 1)[1])


@pytest.fixture(scope="module")
def finished(gateway):
    """One completed video, shared by the tests that only read it."""
    return client(gateway).videos.create_and_poll(model="ray-2", prompt="a lighthouse in a storm", size="1280x720", seconds="4")


def test_create_and_poll_makes_a_playable_video(gateway, finished):
    assert finished.status == "completed" and finished.progress == 100 and finished.error is None
    assert finished.object == "video" and finished.model == "ray-2"
    assert finished.seconds == "5", "OpenAI's 4 s is Luma's nearest, 5 s, and the video is what was made"
    assert finished.size == "1360x752", "the size of the frames the sandbox actually made"
    assert finished.completed_at >= finished.created_at > time.time() - 600


def test_create_with_a_prompt_alone_answers_a_queued_video_and_a_poll_hint(gateway):
    raw = client(gateway).videos.with_raw_response.create(prompt="a quiet harbour at dawn")
    video = raw.parse()
    assert video.status in ("queued", "in_progress") and video.progress < 100
    assert video.size == "720x1280" and video.seconds == "5" and video.model == "ray-2"
    assert 0 < int(raw.headers["openai-poll-after-ms"]) <= 10_000
    seen = []
    while (current := client(gateway).videos.retrieve(video.id)).status not in ("completed", "failed"):
        seen.append(current.progress)
        time.sleep(0.1)
    assert seen == sorted(seen), "progress never goes back"
    assert current.status == "completed" and current.progress == 100


def test_an_image_file_is_the_first_frame(gateway):
    video = client(gateway).videos.create_and_poll(
        prompt="the gradient comes alive", input_reference=("frame.png", png_bytes(), "image/png"), size="720x1280")
    assert video.status == "completed", video.error
    relay = json.load(urllib.request.urlopen(urllib.request.Request(
        f"{gateway.base}/luma/generations/{video.id}", headers={"Authorization": "Bearer " + gateway.token})))
    assert relay["request"]["image_url"].startswith(gateway.base + "/media/uploads/")
    assert relay["request"]["aspect_ratio"] == "9:16"


def test_download_content_of_all_three_variants(gateway, finished, tmp_path):
    videos = client(gateway).videos
    mp4 = tmp_path / "video.mp4"
    videos.download_content(finished.id).write_to_file(mp4)
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(mp4)],
        check=True, capture_output=True, text=True).stdout)
    stream = probe["streams"][0]
    assert stream["codec_name"] == "h264" and (stream["width"], stream["height"]) == (1360, 752)
    assert abs(float(probe["format"]["duration"]) - 5.04) < 0.1
    for variant, size in (("thumbnail", (1360, 752)), ("spritesheet", (256 * 5, 142 * 5))):
        path = tmp_path / f"{variant}.jpg"
        videos.download_content(finished.id, variant=variant).write_to_file(path)
        data = path.read_bytes()
        assert data[:3] == b"\xff\xd8\xff", variant
        assert jpeg_size(data) == size, variant


def test_content_answers_ranges(gateway, finished):
    request = urllib.request.Request(f"{gateway.base}/v1/videos/{finished.id}/content",
                                     headers={"Authorization": "Bearer " + gateway.token, "Range": "bytes=0-99"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 206 and len(response.read()) == 100
        assert response.headers["Content-Range"].startswith("bytes 0-99/")


def test_list_pages_both_orders(gateway):
    token = gateway.create_token("lister")
    videos = client(gateway, token).videos
    made = [videos.create(prompt=f"page item {index}").id for index in range(5)]
    newest_first = [video.id for video in videos.list(limit=2)]
    assert newest_first == list(reversed(made))
    page = videos.list(limit=2, order="asc")
    assert [video.id for video in page.data] == made[:2] and page.has_more
    second = videos.list(limit=2, order="asc", after=page.data[-1].id)
    assert [video.id for video in second.data] == made[2:4]
    assert [video.id for video in videos.list(limit=2, order="asc")] == made, "the SDK's auto-paging follows the cursor"


def test_extend_and_remix_continue_a_completed_video(gateway, finished):
    sdk = client(gateway)
    videos = sdk.videos
    # `videos.extend` and `videos.edit` of this SDK accept only an uploaded file for `video` (its
    # multipart encoder refuses the `{"id": ...}` reference its own types allow), so the reference
    # goes as JSON through the same client, as the API documents it.
    extended = sdk.post("/videos/extensions", cast_to=openai.types.Video,
                        body={"video": {"id": finished.id}, "prompt": "the storm clears", "seconds": "8"})
    remixed = videos.remix(finished.id, prompt="the same lighthouse at noon")
    edited = sdk.post("/videos/edits", cast_to=openai.types.Video, body={"video": {"id": finished.id}, "prompt": "in black and white"})
    for video in (extended, remixed, edited):
        done = videos.poll(video.id)
        assert done.status == "completed", done.error
    assert videos.retrieve(extended.id).seconds == "9"
    assert videos.retrieve(remixed.id).remixed_from_video_id == finished.id
    assert videos.retrieve(edited.id).remixed_from_video_id == finished.id


def test_delete(gateway):
    videos = client(gateway).videos
    video = videos.create(prompt="short-lived")
    deleted = videos.delete(video.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (video.id, "video.deleted", True)
    with pytest.raises(openai.NotFoundError):
        videos.retrieve(video.id)


def test_typed_errors(gateway, finished):
    videos = client(gateway).videos
    with pytest.raises(openai.BadRequestError) as bad_size:
        videos.create(prompt="x", size="999x999")
    assert bad_size.value.param == "size" and "1280x720" in bad_size.value.message
    with pytest.raises(openai.BadRequestError) as bad_model:
        videos.create(prompt="x", model="sora-2")
    assert bad_model.value.param == "model"
    with pytest.raises(openai.NotFoundError):
        videos.retrieve("no-such-video")
    with pytest.raises(openai.NotFoundError):
        client(gateway, gateway.other_token).videos.retrieve(finished.id)
    with pytest.raises(openai.AuthenticationError):
        client(gateway, "lg_not_a_token").videos.list()
    poor = gateway.lumagate("token", "create", "--name", "poor", "--quota", "1")
    with pytest.raises(openai.RateLimitError) as quota:
        client(gateway, poor).videos.create(prompt="x")
    assert quota.value.code == "insufficient_quota"
    hasty = gateway.lumagate("token", "create", "--name", "hasty", "--requests-per-minute", "1")
    client(gateway, hasty).videos.list()
    with pytest.raises(openai.RateLimitError) as limited:
        client(gateway, hasty).videos.list()
    assert limited.value.code == "rate_limit_exceeded" and limited.value.response.headers.get("retry-after")


def jpeg_size(data):
    """Width and height from a JPEG's first frame header."""
    offset = 2
    while offset < len(data):
        marker, length = data[offset + 1], int.from_bytes(data[offset + 2:offset + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[offset + 7:offset + 9], "big"), int.from_bytes(data[offset + 5:offset + 7], "big")
        offset += 2 + length
    raise AssertionError("no frame header")


def test_webhook_endpoints_hear_each_finished_video_signed_as_unwrap_checks(gateway, receiver):
    openai_client = client(gateway)
    assert openai_client.webhooks.event_types.list().data == ["video.completed", "video.failed"]
    endpoint = openai_client.webhooks.create(
        name="videos", url=receiver.url + "/openai-endpoint", event_types=["video.completed", "video.failed"])
    assert endpoint.object == "webhook_endpoint" and endpoint.signing_secret.startswith("whsec_")
    shown = openai_client.webhooks.retrieve(endpoint.id)
    assert not hasattr(shown, "signing_secret") or shown.model_extra.get("signing_secret") is None
    assert shown.signing_secret_hint.endswith(endpoint.signing_secret[-4:])
    assert endpoint.id in [listed.id for listed in openai_client.webhooks.list()]
    with pytest.raises(openai.NotFoundError):
        client(gateway, gateway.other_token).webhooks.retrieve(endpoint.id)

    done = openai_client.videos.create(model="ray-2", prompt="a kite over the dunes")
    failed = openai_client.videos.create(model="ray-2", prompt="a kite over the dunes sandbox:fail")
    heard = {}
    for body, headers in receiver.wait_for_raw("/openai-endpoint", 2, timeout=60):
        event = openai_client.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
        assert event.object == "event" and event.id == headers["webhook-id"]
        heard[event.data.id] = event.type
        with pytest.raises(openai.InvalidWebhookSignatureError):
            openai_client.webhooks.unwrap(body, headers, secret="whsec_" + base64.b64encode(b"not the secret" * 3).decode())
    assert heard == {done.id: "video.completed", failed.id: "video.failed"}
    assert openai_client.videos.retrieve(done.id).status == "completed"

    # A new secret signs the next delivery; kept, the old one still verifies it for a day.
    rotated = openai_client.webhooks.rotate_secret(endpoint.id)
    assert rotated.signing_secret != endpoint.signing_secret
    result = openai_client.webhooks.test(endpoint.id, event_type="video.completed")
    assert result.object == "webhook_endpoint.test" and result.status_code == 204 and result.webhook_endpoint_id == endpoint.id
    body, headers = receiver.wait_for_raw("/openai-endpoint", 3)[2]
    assert openai_client.webhooks.unwrap(body, headers, secret=rotated.signing_secret).type == "video.completed"
    with pytest.raises(openai.InvalidWebhookSignatureError):
        openai_client.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
    kept = openai_client.webhooks.rotate_secret(endpoint.id, keep_old_secret_active_for_24_hours=True)
    openai_client.webhooks.test(endpoint.id, event_type="video.failed")
    body, headers = receiver.wait_for_raw("/openai-endpoint", 4)[3]
    for secret in (kept.signing_secret, rotated.signing_secret):
        assert openai_client.webhooks.unwrap(body, headers, secret=secret).type == "video.failed"

    # Only the types it names: after narrowing to failures, a completed video is not sent.
    narrowed = openai_client.webhooks.update(endpoint.id, event_types=["video.failed"], name="failures")
    assert narrowed.event_types == ["video.failed"] and narrowed.name == "failures"
    openai_client.videos.create_and_poll(model="ray-2", prompt="quietly finished")
    openai_client.videos.create_and_poll(model="ray-2", prompt="loudly failed sandbox:fail")
    body, headers = receiver.wait_for_raw("/openai-endpoint", 5)[4]
    assert openai_client.webhooks.unwrap(body, headers, secret=kept.signing_secret).type == "video.failed"

    with pytest.raises(openai.BadRequestError):
        openai_client.webhooks.create(name="batches", url=receiver.url + "/x", event_types=["batch.completed"])
    assert openai_client.webhooks.delete(endpoint.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        openai_client.webhooks.retrieve(endpoint.id)
