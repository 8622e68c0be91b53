"""The Agents face (`/agents/v1`) judged by Luma's own `luma-agents` SDK, pinned: a client written
against Luma's current API, pointed at lumagate, end to end on the sandbox engine."""

import base64
import json
import pathlib
import subprocess
import tempfile
import time
import urllib.request

import httpx
import luma_agents
import pytest

from conftest import png_data_uri


@pytest.fixture(scope="module")
def gateway(gateway):
    """The session's gateway with a token of this module's own, so that its uni-1 images and
    ray-3.2 videos stay out of the lists the other modules check against Luma's older schema."""
    gateway.agents_token = gateway.create_token("agents-sdk")
    return gateway


def client(gateway, token=None):
    return luma_agents.Luma(auth_token=token or gateway.agents_token, base_url=gateway.base + "/agents/v1", max_retries=0)


def png_bytes(width=96, height=64):
    return base64.b64decode(png_data_uri(width, height).split(",", 1)[1])


def finish(gateway, generation, token=None):
    deadline = time.time() + 90
    while generation.state not in ("completed", "failed"):
        assert time.time() < deadline, f"{generation.id} did not finish"
        time.sleep(0.2)
        generation = client(gateway, token).generations.get(generation.id)
    return generation


def download(url, suffix):
    with urllib.request.urlopen(url) as response:
        data = response.read()
    path = pathlib.Path(tempfile.mkdtemp()) / ("output" + suffix)
    path.write_bytes(data)
    return path


def ffprobe(path):
    report = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(report)


def test_a_ray32_video_is_made_read_and_plays(gateway):
    created = client(gateway).generations.create(
        model="ray-3.2", type="video", prompt="a slow dolly through a greenhouse", aspect_ratio="16:9",
        video={"resolution": "360p", "duration": "10s"})
    assert created.state == "queued" and created.type == "video" and created.model == "ray-3.2" and created.output is None
    done = finish(gateway, created)
    assert done.state == "completed" and done.failure_code is None
    assert [output.type for output in done.output] == ["video"]
    assert done.output[0].url.startswith(gateway.base + "/media/"), "the gateway's own URL, not an expiring one"
    video = ffprobe(download(done.output[0].url, ".mp4"))
    stream = video["streams"][0]
    assert stream["codec_name"] == "h264" and (stream["width"], stream["height"]) == (640, 360)
    assert abs(float(video["format"]["duration"]) - 10.04) < 0.1


def test_a_video_is_edited_and_reframed(gateway):
    agents = client(gateway)
    source = finish(gateway, agents.generations.create(model="ray-3.2", type="video", prompt="the source", video={"resolution": "360p"}))
    edited = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video_edit", prompt="make it neon", source={"generation_id": source.id},
        video={"resolution": "360p", "edit": {"strength": "flex_2", "auto_controls": True}}))
    assert edited.state == "completed" and edited.type == "video_edit", edited.failure_reason
    stream = ffprobe(download(edited.output[0].url, ".mp4"))["streams"][0]
    assert (stream["width"], stream["height"]) == (640, 360), "an edit keeps its source's frame"
    reframed = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video_reframe", prompt="stand it up", aspect_ratio="9:16", source={"generation_id": source.id},
        video={"resolution": "360p", "source_position": {"x_norm": 0, "y_norm": 0.3, "w_norm": 1, "h_norm": 0.32}}))
    assert reframed.state == "completed" and reframed.type == "video_reframe", reframed.failure_reason
    video = ffprobe(download(reframed.output[0].url, ".mp4"))
    assert (video["streams"][0]["width"], video["streams"][0]["height"]) == (360, 640)
    assert abs(float(video["format"]["duration"]) - 5.04) < 0.1, "as long as its source"


def test_a_uni1_image_is_made_in_the_asked_format(gateway):
    done = finish(gateway, client(gateway).generations.create(
        model="uni-1", type="image", prompt="a red kite", aspect_ratio="3:2", output_format="png"))
    assert done.state == "completed" and done.type == "image" and done.output[0].type == "image"
    data = download(done.output[0].url, ".png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (2048, 1366), "uni-1's 2K, in the asked ratio"
    edited = finish(gateway, client(gateway).generations.create(
        model="uni-1", type="image_edit", prompt="make it green", output_format="png", source={"generation_id": done.id}))
    assert edited.state == "completed" and edited.type == "image_edit" and edited.output[0].type == "image"
    assert download(edited.output[0].url, ".png").read_bytes() != data, "a changed copy of the source"


def test_frames_come_inline_from_files_and_from_earlier_generations(gateway):
    agents = client(gateway)
    inline = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video", prompt="from inline bytes",
        video={"resolution": "360p", "start_frame": {"data": base64.b64encode(png_bytes()).decode(), "media_type": "image/png"}}))
    assert inline.state == "completed", inline.failure_reason

    # The presigned flow: reserve, PUT the bytes to the gateway's URL, complete.
    image = png_bytes(128, 72)
    reserved = agents.files.create(mime_type="image/png", size_bytes=len(image), filename="frame.png", purpose="input")
    assert reserved.state == "pending" and reserved.upload.method == "PUT"
    assert reserved.upload.url.startswith(gateway.base + "/agents/uploads/")
    put = httpx.put(reserved.upload.url, content=image, headers=reserved.upload.headers or {})
    assert put.status_code == 200
    ready = agents.files.complete(reserved.id)
    assert ready.state == "ready" and ready.filename == "frame.png" and ready.mime_type == "image/png"
    from_file = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video", prompt="from a file", video={"resolution": "360p", "end_frame": {"file_id": ready.id}}))
    assert from_file.state == "completed", from_file.failure_reason

    # Keyframes pinned to output frames, from a file and inline bytes.
    guided = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video", prompt="guided",
        video={"resolution": "360p", "keyframes": [{"file_id": ready.id}, {"data": base64.b64encode(png_bytes()).decode(), "media_type": "image/png"}],
               "keyframe_indexes": [0, 72]}))
    assert guided.state == "completed", guided.failure_reason

    # An extension: the earlier generation's last frame opens the new one.
    extended = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video", prompt="and further", video={"resolution": "360p", "start_frame": {"generation_id": inline.id}}))
    assert extended.state == "completed", extended.failure_reason


def solid_png(colour, width=64, height=64):
    path = pathlib.Path(tempfile.mkdtemp()) / "solid.png"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"color=c={colour}:s={width}x{height}", "-frames:v", "1", str(path)], check=True)
    return {"data": base64.b64encode(path.read_bytes()).decode(), "media_type": "image/png"}


def pixel(path, x, y):
    """The RGB (and alpha, if it has one) of one pixel of an image file."""
    return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"crop=1:1:{x}:{y}", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                          check=True, capture_output=True).stdout


def image_size(path):
    stream = ffprobe(path)["streams"][0]
    return stream["width"], stream["height"]


def test_layering_splits_an_image_into_transparent_layers(gateway):
    agents = client(gateway)
    layered = finish(gateway, agents.generations.create(
        model="uni-1", type="layering", prompt="the kite apart from the sky", layering={"resolution": "1k"},
        source={"data": base64.b64encode(png_bytes(96, 64)).decode(), "media_type": "image/png"}))
    assert layered.state == "completed" and layered.type == "layering", layered.failure_reason
    assert [output.layer.index for output in layered.output] == [0, 1]
    assert [output.layer.alpha_hint for output in layered.output] == ["hard", "none"], "the background is opaque"
    front, back = (download(output.url, ".png") for output in layered.output)
    assert image_size(front) == image_size(back) == (1024, 682), "1k layers in the source's 3:2 frame"
    assert pixel(front, 0, 0)[3] == 0 and pixel(front, 512, 341)[3] == 255, "the subject is cut out of a transparent layer"
    assert pixel(back, 0, 0)[3] == 255


def test_guidance_images_show_as_a_strip_and_web_search_is_taken(gateway):
    agents = client(gateway)
    guided = finish(gateway, agents.generations.create(
        model="uni-1", type="image", prompt="a poster", aspect_ratio="1:1", output_format="png", web_search=True,
        image_ref=[solid_png("0xFF0000")]))
    assert guided.state == "completed", guided.failure_reason
    image = download(guided.output[0].url, ".png")
    assert image_size(image) == (2048, 2048)
    red, green, blue, _ = pixel(image, 1024, 1793)
    assert red > 200 and green < 60 and blue < 60, "the guidance image is drawn in the strip at the bottom"
    with pytest.raises(luma_agents.BadRequestError):
        agents.generations.create(model="uni-1", type="image", prompt="x", image_ref=[solid_png("red")] * 10)


def test_an_image_edit_keeps_its_sources_frame(gateway):
    edited = finish(gateway, client(gateway).generations.create(
        model="uni-1", type="image_edit", prompt="brighter", output_format="png", source=solid_png("0x3060C0", 90, 160)))
    assert edited.state == "completed", edited.failure_reason
    assert image_size(download(edited.output[0].url, ".png")) == (1152, 2048), "9:16 like its source, not 16:9"


def test_a_video_edit_takes_controls_and_keyframes(gateway):
    agents = client(gateway)
    source = finish(gateway, agents.generations.create(model="ray-3.2", type="video", prompt="a street", video={"resolution": "360p"}))
    edited = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video_edit", prompt="at night", source={"generation_id": source.id},
        video={"resolution": "360p", "edit": {
            "strength": "flex_1", "controls": {"depth": {"enabled": True, "blur": 0.4}, "trajectory": {"sparsity": 0.2}},
            "keyframes": [solid_png("blue")], "keyframe_indexes": [24]}}))
    assert edited.state == "completed" and edited.type == "video_edit", edited.failure_reason
    assert ffprobe(download(edited.output[0].url, ".mp4"))["streams"][0]["codec_name"] == "h264"
    with pytest.raises(luma_agents.BadRequestError) as bad:
        agents.generations.create(
            model="ray-3.2", type="video_edit", prompt="x", source={"generation_id": source.id},
            video={"edit": {"controls": {"normals": {"augmentation": 1.5}}}})
    assert "video.edit.controls.normals.augmentation" in bad.value.body["detail"]


def test_a_video_sent_as_data_or_as_a_file_is_edited_and_reframed(gateway):
    agents = client(gateway)
    path = pathlib.Path(tempfile.mkdtemp()) / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=24", "-frames:v", "48", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    clip = path.read_bytes()
    edited = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video_edit", prompt="sent inline", source={"data": base64.b64encode(clip).decode(), "media_type": "video/mp4"},
        video={"resolution": "360p", "edit": {"auto_controls": True}}))
    assert edited.state == "completed", edited.failure_reason
    stream = ffprobe(download(edited.output[0].url, ".mp4"))["streams"][0]
    assert (stream["width"], stream["height"]) == (640, 360) and abs(float(stream["duration"]) - 2) < 0.2

    reserved = agents.files.create(mime_type="video/mp4", size_bytes=len(clip), filename="clip.mp4", purpose="input")
    assert httpx.put(reserved.upload.url, content=clip, headers=reserved.upload.headers or {}).status_code == 200
    ready = agents.files.complete(reserved.id)
    assert ready.state == "ready" and ready.mime_type == "video/mp4"
    reframed = finish(gateway, agents.generations.create(
        model="ray-3.2", type="video_reframe", prompt="from a video file", aspect_ratio="9:16", source={"file_id": ready.id},
        video={"resolution": "360p"}))
    assert reframed.state == "completed", reframed.failure_reason
    assert image_size(download(reframed.output[0].url, ".mp4")) == (360, 640)
    with pytest.raises(luma_agents.BadRequestError) as truncated:
        agents.generations.create(
            model="ray-3.2", type="video_edit", prompt="x", source={"data": base64.b64encode(clip[: len(clip) // 2]).decode(), "media_type": "video/mp4"})
    assert "source" in truncated.value.body["detail"]


def test_the_files_api_uploads_lists_pages_and_deletes(gateway):
    token = gateway.create_token("files")
    agents = client(gateway, token)
    uploaded = []
    for index in range(3):
        response = httpx.post(gateway.base + "/agents/v1/files", headers={"Authorization": f"Bearer {token}"},
                              files={"file": (f"f{index}.png", png_bytes(40 + index, 30), "image/png")}, data={"purpose": "reference"})
        assert response.status_code == 201, response.text
        created = luma_agents.types.CreateFileResponse.model_validate(response.json())
        assert created.file.state == "ready" and created.file.purpose == "reference" and created.upload is None
        uploaded.append(created.id)
    first = agents.files.list(limit=2)
    assert [file.id for file in first.data] == uploaded[::-1][:2] and first.has_more and first.next_cursor
    rest = agents.files.list(limit=2, cursor=first.next_cursor)
    assert [file.id for file in rest.data] == [uploaded[0]] and not rest.has_more
    assert agents.files.get(uploaded[1]).size_bytes > 0
    agents.files.delete(uploaded[1])
    deleted = agents.files.get(uploaded[1])
    assert deleted.state == "deleted" and deleted.deleted_at is not None, "soft-deleted, as Luma does"
    agents.files.delete(uploaded[1])
    assert agents.files.get(uploaded[1]).deleted_at == deleted.deleted_at
    with pytest.raises(luma_agents.BadRequestError) as gone:
        agents.generations.create(model="uni-1", type="image_edit", prompt="x", source={"file_id": uploaded[1]})
    assert "source.file_id" in gone.value.body["detail"]
    with pytest.raises(luma_agents.NotFoundError):
        client(gateway).files.get(uploaded[0])
    assert [file.id for file in agents.files.list().data] == [uploaded[2], uploaded[0]]
    assert [file.id for file in agents.files.list(state="deleted").data] == [uploaded[1]]


def test_typed_errors(gateway):
    agents = client(gateway)
    with pytest.raises(luma_agents.BadRequestError) as bad:
        agents.generations.create(model="ray-3.2", type="video", prompt="x", video={"resolution": "4k"})
    assert "video.resolution" in bad.value.body["detail"]
    with pytest.raises(luma_agents.UnprocessableEntityError) as combined:
        agents.generations.create(model="ray-3.2", type="video", prompt="x", video={"duration": "10s", "loop": True})
    assert "video.loop" in combined.value.body["detail"]
    with pytest.raises(luma_agents.AuthenticationError):
        client(gateway, "lg_not_a_token").generations.get("00000000-0000-0000-0000-000000000000")
    with pytest.raises(luma_agents.NotFoundError):
        agents.generations.get("00000000-0000-0000-0000-000000000000")
    mine = agents.generations.create(model="uni-1", type="image", prompt="mine")
    with pytest.raises(luma_agents.NotFoundError):
        client(gateway, gateway.other_token).generations.get(mine.id)
    with pytest.raises(luma_agents.UnprocessableEntityError) as layering:
        agents.generations.create(model="uni-1", type="layering", prompt="x", aspect_ratio="1:1", source={"url": "https://example.com/a.png"})
    assert "aspect_ratio" in layering.value.body["detail"]
    hasty = gateway.lumagate("token", "create", "--name", "hasty-agents", "--requests-per-minute", "1")
    client(gateway, hasty).files.list()
    with pytest.raises(luma_agents.RateLimitError) as limited:
        client(gateway, hasty).files.list()
    assert limited.value.response.headers.get("retry-after")
