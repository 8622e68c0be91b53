"""Luma's own Python SDK (lumaai) against a running lumagate on the sandbox engine: every call
goes over real HTTP, every response is checked against Luma's OpenAPI document, and the same tasks
are read back through the relay format under /luma."""

import asyncio
import struct
import time

import httpx
import lumaai
import pytest
from lumaai import AsyncLumaAI, LumaAI

from conftest import png_data_uri, validate


def client(gateway, validated, token=None):
    return LumaAI(auth_token=token or gateway.token, base_url=gateway.api, max_retries=0,
                  http_client=httpx.Client(event_hooks={"response": [validated.check]}))


def async_client(gateway, validated):
    return AsyncLumaAI(auth_token=gateway.token, base_url=gateway.api, max_retries=0,
                       http_client=httpx.AsyncClient(event_hooks={"response": [validated.check_async]}))


def wait_until_finished(luma, generation_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        generation = luma.generations.get(generation_id)
        if generation.state in ("completed", "failed"):
            return generation
        time.sleep(0.3)
    raise AssertionError(f"generation {generation_id} did not finish in {timeout} s")


def relay(gateway, generation_id, token=None):
    return httpx.get(f"{gateway.base}/luma/generations/{generation_id}",
                     headers={"Authorization": f"Bearer {token or gateway.token}"})


@pytest.fixture(scope="module")
def finished_video(gateway, validated, receiver):
    """Text to video, start to finish, with a callback."""
    luma = client(gateway, validated)
    created = luma.generations.create(model="ray-2", prompt="a lighthouse in a storm", aspect_ratio="9:16",
                                      callback_url=receiver.url + "/text-to-video")
    assert created.state == "queued"
    assert created.request.model == "ray-2" and created.request.aspect_ratio == "9:16"
    return wait_until_finished(luma, created.id)


def test_text_to_video_completes_with_a_playable_video(gateway, finished_video):
    assert finished_video.state == "completed"
    assert finished_video.generation_type == "video"
    assert finished_video.model == "ray-2"
    video = httpx.get(finished_video.assets.video)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    assert httpx.get(finished_video.assets.image).content[:2] == b"\xff\xd8"


def test_the_same_task_reads_in_the_relay_format(gateway, finished_video):
    response = relay(gateway, finished_video.id)
    assert response.status_code == 200
    task = response.json()
    assert task["state"] == "completed"
    assert task["video"]["url"] == finished_video.assets.video
    assert (task["video"]["width"], task["video"]["height"]) == (752, 1360)
    assert task["request"]["aspect_ratio"] == "9:16"


def test_the_callback_url_hears_dreaming_then_completed(gateway, finished_video, receiver):
    bodies = receiver.wait_for("/text-to-video", 2)
    assert [body["state"] for body in bodies] == ["dreaming", "completed"]
    assert all(body["id"] == finished_video.id for body in bodies)
    assert bodies[-1]["assets"]["video"] == finished_video.assets.video
    for body in bodies:
        validate("get", "/dream-machine/v1/generations/x", 200, json_bytes(body))


def json_bytes(value):
    import json
    return json.dumps(value).encode()


def test_image_to_video(gateway, validated):
    luma = client(gateway, validated)
    created = luma.generations.create(model="ray-flash-2", prompt="the gradient comes alive",
                                      keyframes={"frame0": {"type": "image", "url": png_data_uri()}})
    finished = wait_until_finished(luma, created.id)
    assert finished.state == "completed"
    frame0 = finished.request.keyframes.frame0
    assert frame0.type == "image" and frame0.url.startswith(gateway.base + "/media/uploads/")
    assert relay(gateway, created.id).json()["request"]["image_url"] == frame0.url


def test_extend_reverse_extend_and_interpolate(gateway, validated, finished_video):
    luma = client(gateway, validated)
    parent = {"type": "generation", "id": finished_video.id}
    extended = luma.generations.create(model="ray-2", prompt="the storm clears", keyframes={"frame0": parent})
    # An extension keeps its parent's aspect ratio.
    assert extended.request.aspect_ratio == "9:16"
    reverse = luma.generations.create(model="ray-2", prompt="before the storm", keyframes={"frame1": parent})
    for generation in (extended, reverse):
        assert wait_until_finished(luma, generation.id).state == "completed"
    both = luma.generations.create(model="ray-2", prompt="between", keyframes={
        "frame0": parent, "frame1": {"type": "generation", "id": extended.id}})
    finished = wait_until_finished(luma, both.id)
    assert finished.state == "completed"
    assert finished.request.keyframes.frame0.id == finished_video.id
    assert finished.request.keyframes.frame1.id == extended.id
    assert relay(gateway, extended.id).json()["state"] == "completed"


def test_image_generation_in_the_sandbox(gateway, validated, receiver):
    luma = client(gateway, validated)
    created = luma.generations.image.create(model="photon-1", prompt="a paper crane", aspect_ratio="1:1", format="png",
                                            callback_url=receiver.url + "/image")
    finished = wait_until_finished(luma, created.id)
    assert finished.state == "completed" and finished.generation_type == "image"
    picture = httpx.get(finished.assets.image)
    assert picture.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", picture.content[16:24])
    assert (width, height) == (1024, 1024)
    assert [body["state"] for body in receiver.wait_for("/image", 2)] == ["dreaming", "completed"]
    # The relay format carries videos only.
    assert relay(gateway, created.id).status_code == 404


def test_list_is_newest_first_with_paging(gateway, validated):
    luma = client(gateway, validated)
    ids = [luma.generations.create(model="ray-2", prompt=f"listed {index}").id for index in range(3)]
    page = luma.generations.list(limit=2, offset=0)
    assert [generation.id for generation in page.generations] == ids[::-1][:2]
    assert page.has_more and page.count == 2 and page.limit == 2 and page.offset == 0
    assert luma.generations.list(limit=1, offset=2).generations[0].id == ids[0]


def test_delete_removes_the_task_from_both_faces_and_its_media(gateway, validated):
    luma = client(gateway, validated)
    created = luma.generations.create(model="ray-2", prompt="to be deleted")
    finished = wait_until_finished(luma, created.id)
    assert httpx.get(finished.assets.video).status_code == 200
    luma.generations.delete(created.id)
    with pytest.raises(lumaai.NotFoundError):
        luma.generations.get(created.id)
    assert relay(gateway, created.id).status_code == 404
    assert httpx.get(finished.assets.video).status_code == 404
    assert created.id not in [generation.id for generation in luma.generations.list(limit=1000).generations]
    with pytest.raises(lumaai.NotFoundError):
        luma.generations.delete(created.id)


def test_credits_ping_and_lists(gateway, validated):
    luma = client(gateway, validated)
    assert luma.credits.get().credit_balance > 0
    assert luma.ping.check().message == "pong"
    assert "dolly_zoom" in luma.generations.concepts.list()
    motions = httpx.get(gateway.api + "/generations/camera_motion/list", headers={"Authorization": f"Bearer {gateway.token}"})
    validate("get", "/dream-machine/v1/generations/camera_motion/list", motions.status_code, motions.content)
    assert "Orbit Left" in motions.json()


def test_errors_surface_as_the_sdks_typed_exceptions(gateway, validated, finished_video):
    luma = client(gateway, validated)
    raw = lambda body: luma.post("/generations/video", body=body, cast_to=lumaai.types.Generation)
    cases = [
        ({"prompt": "no model"}, "`model` is required"),
        ({"prompt": "x", "model": "ray-9"}, "`model` must be one of"),
        ({"prompt": "x", "model": "ray-2", "aspect_ratio": "2:1"}, "`aspect_ratio`"),
        ({"prompt": "x", "model": "ray-2", "keyframes": {"frame0": {"type": "video", "url": "https://x/y.mp4"}}}, "frame0.type"),
        ({"prompt": "x", "model": "ray-2", "keyframes": {"frame0": {"type": "image"}}}, "frame0.url"),
        ({"prompt": "x", "model": "ray-2", "keyframes": {"frame1": {"type": "generation", "id": "not-a-uuid"}}}, "frame1.id"),
        ({"prompt": "x", "model": "ray-2", "keyframes": {"frame0": {"type": "generation",
                                                                    "id": "00000000-0000-4000-8000-000000000000"}}}, "does not exist"),
        ({"prompt": "x", "model": "ray-2", "concepts": [{"key": "warp_speed"}]}, "concepts[0].key"),
        ({"prompt": "x", "model": "ray-2", "loop": "yes"}, "`loop` must be a boolean"),
        ({"prompt": "x", "model": "ray-2", "callback_url": "ftp://x"}, "callback_url"),
        ({"model": "ray-2"}, "`prompt` is required"),
    ]
    for body, expected in cases:
        with pytest.raises(lumaai.BadRequestError) as raised:
            raw(body)
        assert expected in raised.value.body["detail"], (body, raised.value.body)

    stranger = client(gateway, validated, token=gateway.other_token)
    with pytest.raises(lumaai.NotFoundError):
        stranger.generations.get(finished_video.id)
    with pytest.raises(lumaai.NotFoundError):
        stranger.generations.delete(finished_video.id)
    with pytest.raises(lumaai.BadRequestError):
        stranger.generations.create(model="ray-2", prompt="steal", keyframes={"frame0": {"type": "generation", "id": finished_video.id}})
    with pytest.raises(lumaai.AuthenticationError):
        client(gateway, validated, token="lg_wrong").generations.list()
    with pytest.raises(lumaai.InternalServerError) as raised:
        luma.generations.upscale(finished_video.id, generation_type="upscale_video", resolution="1080p")
    assert raised.value.status_code == 501 and "dream-machine channel" in raised.value.body["detail"]


def test_malformed_and_oversized_bodies(gateway):
    headers = {"Authorization": f"Bearer {gateway.token}", "Content-Type": "application/json"}
    for body, status in [(b"{not json", 400), (b"[]", 400), (b"", 400), (b"{" + b" " * (33 * 1024 * 1024) + b"}", 413)]:
        response = httpx.post(gateway.api + "/generations/video", content=body, headers=headers, timeout=60)
        assert response.status_code == status, body[:20]
        validate("post", "/dream-machine/v1/generations/video", status, response.content)


def test_the_async_client(gateway, validated):
    async def run():
        luma = async_client(gateway, validated)
        created = await luma.generations.create(model="ray-2", prompt="async waves")
        deadline = time.time() + 90
        while (generation := await luma.generations.get(created.id)).state not in ("completed", "failed"):
            assert time.time() < deadline
            await asyncio.sleep(0.3)
        assert generation.state == "completed"
        assert created.id in [g.id for g in (await luma.generations.list(limit=10)).generations]
        assert (await luma.credits.get()).credit_balance > 0
        assert (await luma.ping.check()).message == "pong"
        await luma.generations.delete(created.id)
        with pytest.raises(lumaai.NotFoundError):
            await luma.generations.get(created.id)
    asyncio.run(run())


def test_every_response_was_checked_against_the_openapi(validated):
    assert validated.checked >= 40
