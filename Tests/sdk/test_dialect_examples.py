"""The request examples of AceDataCloud's and PiAPI's public Luma docs, run as written against a
lumagate (the base URL, the key and the example image changed): Python with `requests`, curl as a
process. Each answer is read as those docs' clients read it."""

import json
import subprocess
import time

import requests

from conftest import png_data_uri

PROMPT = "Astronauts shuttle from space to volcano"


def curl(*arguments):
    completed = subprocess.run(["curl", "-s", *arguments], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(completed.stdout)


# AceDataCloud: luma_videos.md and luma_tasks.md (api.acedata.cloud → the gateway).

def acedatacloud_generate_with_start_frame(base, token, image):
    url = f"{base}/luma/videos"

    headers = {
        "accept": "application/json",
        "authorization": f"Bearer {token}",
        "content-type": "application/json"
    }

    payload = {
        "start_image_url": image,
        "action": "generate",
        "prompt": PROMPT
    }

    response = requests.post(url, json=payload, headers=headers)
    return response


def acedatacloud_extend(base, token, video_id):
    url = f"{base}/luma/videos"

    headers = {
        "accept": "application/json",
        "authorization": f"Bearer {token}",
        "content-type": "application/json"
    }

    payload = {
        "action": "extend",
        "video_id": video_id,
        "prompt": PROMPT
    }

    response = requests.post(url, json=payload, headers=headers)
    return response


def acedatacloud_tasks(base, token, payload):
    url = f"{base}/luma/tasks"

    headers = {
        "accept": "application/json",
        "authorization": f"Bearer {token}",
        "content-type": "application/json"
    }

    response = requests.post(url, json=payload, headers=headers)
    return response


def test_acedatacloud_examples(gateway):
    first = acedatacloud_generate_with_start_frame(gateway.base, gateway.token, png_data_uri())
    assert first.status_code == 200, first.text
    video = first.json()
    assert video["success"] is True and video["state"] == "completed" and video["prompt"] == PROMPT
    assert video["video_id"] == video["task_id"]
    assert video["video_width"] > 0 and video["thumbnail_height"] > 0
    assert requests.get(video["video_url"]).content[4:8] == b"ftyp"

    extended = acedatacloud_extend(gateway.base, gateway.token, video["video_id"]).json()
    assert extended["success"] is True and extended["state"] == "completed", extended
    assert extended["task_id"] != video["task_id"]

    # retrieve, in Python and as the documented curl.
    record = acedatacloud_tasks(gateway.base, gateway.token, {"id": video["task_id"], "action": "retrieve"}).json()
    assert curl("-X", "POST", f"{gateway.base}/luma/tasks",
                "-H", "accept: application/json",
                "-H", f"authorization: Bearer {gateway.token}",
                "-H", "content-type: application/json",
                "-d", '{\n  "id": "%s",\n  "action": "retrieve"\n}' % video["task_id"]) == record
    assert record["id"] == video["task_id"] and record["response"] == video
    assert record["created_at"] <= record["started_at"] <= record["finished_at"]
    assert abs(record["elapsed"] - (record["finished_at"] - record["started_at"])) < 0.002
    assert record["request"]["action"] == "generate" and record["request"]["prompt"] == PROMPT

    ids = [video["task_id"], extended["task_id"]]
    batch = acedatacloud_tasks(gateway.base, gateway.token, {"ids": ids, "action": "retrieve_batch"}).json()
    assert curl("-X", "POST", f"{gateway.base}/luma/tasks",
                "-H", "accept: application/json",
                "-H", f"authorization: Bearer {gateway.token}",
                "-H", "content-type: application/json",
                "-d", '{\n  "ids": ["%s","%s"],\n  "action": "retrieve_batch"\n}' % tuple(ids)) == batch
    assert batch["count"] == 2 and [item["id"] for item in batch["items"]] == ids
    assert batch["items"][1]["response"] == extended

    # The error envelope, as the docs show it. (A refused token on /luma/tasks is answered before
    # the body says which dialect it is: the status is the same, the body the relay format's.)
    unknown = acedatacloud_tasks(gateway.base, gateway.token, {"id": "00000000-0000-0000-0000-000000000000", "action": "retrieve"})
    assert unknown.status_code == 404 and unknown.json()["success"] is False
    assert unknown.json()["error"]["code"] == "not_found" and unknown.json()["trace_id"] == unknown.headers["x-request-id"]
    assert acedatacloud_tasks(gateway.base, "not-a-token", {"id": video["task_id"], "action": "retrieve"}).status_code == 401


def test_acedatacloud_callback_curl(gateway, receiver):
    # The skill's curl, its callback URL the receiver's.
    answer = curl("-X", "POST", f"{gateway.base}/luma/videos",
                  "-H", f"Authorization: Bearer {gateway.token}",
                  "-H", "Content-Type: application/json",
                  "-d", '{"prompt": "a drone flying over a mountain lake at sunrise", "action": "generate", '
                        '"callback_url": "%s/acedatacloud"}' % receiver.url)
    assert list(answer) == ["task_id"]
    [posted] = receiver.wait_for("/acedatacloud", 1, timeout=120)
    assert posted["task_id"] == answer["task_id"] and posted["success"] is True and posted["state"] == "completed"
    unauthorized = requests.post(f"{gateway.base}/luma/videos", json={"prompt": "x"})
    error = unauthorized.json()
    assert unauthorized.status_code == 401 and error["success"] is False
    assert error["error"]["code"] == "invalid_token" and error["trace_id"] == unauthorized.headers["x-request-id"]


# PiAPI: dream-machine/create-task and get-task (api.piapi.ai → the gateway).

def piapi_get(base, key, task_id):
    """Polls as PiAPI's own tools do: GET the task until it is completed or failed."""
    for _ in range(600):
        response = requests.get(f"{base}/api/v1/task/{task_id}", headers={"X-API-Key": key})
        body = response.json()
        assert body["code"] == 200, body
        if body["data"]["status"] in ("completed", "failed"):
            return body["data"]
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish")


def test_piapi_examples(gateway, receiver):
    body = ('{\n    "model": "luma",\n    "task_type": "video_generation",\n    "input": {\n'
            '        "prompt": "Fly fishing",\n        "expand_prompt": true,\n        "loop": true\n    },\n'
            '    "config": {\n        "service_mode": "",\n        "webhook_config": {\n'
            '            "endpoint": "%s/piapi",\n            "secret": "123456"\n        }\n    }\n}') % receiver.url
    created = curl("--location", "--request", "POST", f"{gateway.base}/api/v1/task",
                   "--header", f"x-api-key: {gateway.token}",
                   "--header", "Content-Type: application/json",
                   "--data-raw", body)
    assert created["code"] == 200 and created["message"] == "success", created
    data = created["data"]
    assert data["model"] == "luma" and data["task_type"] == "video_generation" and data["status"] in ("pending", "processing")
    assert data["input"] == {"prompt": "Fly fishing", "expand_prompt": True, "loop": True}
    assert data["config"]["webhook_config"] == {"endpoint": f"{receiver.url}/piapi", "secret": "123456"}
    assert data["error"] == {"code": 0, "raw_message": "", "message": "", "detail": None}

    done = piapi_get(gateway.base, gateway.token, data["task_id"])
    assert done["status"] == "completed" and done["output"]["video"] == done["output"]["video_raw"]
    assert requests.get(done["output"]["video"]["url"]).content[4:8] == b"ftyp"
    assert done["meta"]["usage"]["consume"] == done["meta"]["usage"]["frozen"]

    posts = receiver.wait_for("/piapi", 2, timeout=120)
    assert posts[-1]["data"]["status"] == "completed" and posts[-1]["data"]["task_id"] == data["task_id"]
    assert all(isinstance(post["timestamp"], int) for post in posts)
    secrets = [{name.lower(): value for name, value in headers.items()}.get("x-webhook-secret")
               for _, headers in receiver.raw_posts("/piapi")]
    assert secrets and all(secret == "123456" for secret in secrets)

    # The key-frame example, and an extension of the video made above.
    framed = requests.post(f"{gateway.base}/api/v1/task", headers={"x-api-key": gateway.token}, json={
        "model": "luma", "task_type": "video_generation",
        "input": {"prompt": "Fly fishing", "key_frames": {"frame0": {"type": "image", "url": png_data_uri()}},
                  "model_name": "ray-v2", "duration": 5, "aspect_ratio": "9:16"},
        "config": {"webhook_config": {"endpoint": "", "secret": ""}, "service_mode": ""}}).json()
    assert framed["code"] == 200, framed
    extended = requests.post(f"{gateway.base}/api/v1/task", headers={"x-api-key": gateway.token}, json={
        "model": "luma", "task_type": "extend_video",
        "input": {"prompt": "Fly fishing", "key_frames": {"frame0": {"type": "generation", "id": data["task_id"]}}}}).json()
    assert extended["data"]["task_type"] == "extend_video", extended
    for task in (framed, extended):
        assert piapi_get(gateway.base, gateway.token, task["data"]["task_id"])["status"] == "completed"

    missing = requests.get(f"{gateway.base}/api/v1/task/00000000-0000-0000-0000-000000000000", headers={"x-api-key": gateway.token})
    assert missing.status_code == 404 and missing.json()["code"] == 404 and missing.json()["data"] is None
