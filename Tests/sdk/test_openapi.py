"""The gateway's own OpenAPI document, as the running binary serves it at /openapi.json: a valid
OpenAPI 3.1 document that names every public route, and a true one: live responses of both faces,
successes and errors, are checked against it (status documented, content type, required headers,
body against the schema with JSON Schema 2020-12 and format checks)."""

import base64
import re
import time
import uuid

import httpx
import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate as validate_spec

from conftest import png_data_uri

ROUTES = {
    ("get", "/healthz"), ("get", "/openapi.json"), ("get", "/models"),
    ("post", "/luma/videos"), ("post", "/api/v1/task"), ("get", "/api/v1/task/{task_id}"),
    ("get", "/luma/stream"), ("get", "/luma/generations/{task_id}/stream"), ("get", "/dream-machine/v1/generations/{id}/stream"),
    ("get", "/agents/v1/generations/{generation_id}/stream"), ("get", "/v1/videos/{video_id}/stream"),
    ("post", "/luma/generations"), ("post", "/luma/generations/"), ("get", "/luma/generations"), ("get", "/luma/generations/"),
    ("post", "/luma/generations/file_upload"), ("get", "/luma/generations/{task_id}"),
    ("post", "/luma/generations/{task_id}/extend"), ("get", "/luma/generations/{task_id}/download_video_url"),
    ("get", "/luma/generations/{task_id}/events"), ("post", "/luma/tasks"),
    ("get", "/dream-machine/v1/ping"), ("get", "/dream-machine/v1/credits"),
    ("get", "/dream-machine/v1/generations/concepts/list"), ("get", "/dream-machine/v1/generations/camera_motion/list"),
    ("post", "/dream-machine/v1/generations"), ("post", "/dream-machine/v1/generations/video"),
    ("post", "/dream-machine/v1/generations/image"), ("get", "/dream-machine/v1/generations"),
    ("get", "/dream-machine/v1/generations/{id}"), ("delete", "/dream-machine/v1/generations/{id}"),
    ("post", "/dream-machine/v1/generations/{id}/upscale"), ("post", "/dream-machine/v1/generations/{id}/audio"),
    ("post", "/dream-machine/v1/generations/video/modify"), ("post", "/dream-machine/v1/generations/video/reframe"),
    ("post", "/dream-machine/v1/generations/image/reframe"),
    ("post", "/v1/videos"), ("get", "/v1/videos"), ("post", "/v1/videos/extensions"), ("post", "/v1/videos/edits"),
    ("get", "/v1/videos/{video_id}"), ("delete", "/v1/videos/{video_id}"), ("get", "/v1/videos/{video_id}/content"),
    ("post", "/v1/videos/{video_id}/remix"),
    ("post", "/v1/webhook_endpoints"), ("get", "/v1/webhook_endpoints"), ("get", "/v1/webhook_endpoints/{webhook_endpoint_id}"),
    ("post", "/v1/webhook_endpoints/{webhook_endpoint_id}"), ("delete", "/v1/webhook_endpoints/{webhook_endpoint_id}"),
    ("post", "/v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret"), ("post", "/v1/webhook_endpoints/{webhook_endpoint_id}/test"),
    ("get", "/v1/webhook_event_types"),
    ("post", "/agents/v1/generations"), ("get", "/agents/v1/generations/{generation_id}"),
    ("post", "/agents/v1/files"), ("get", "/agents/v1/files"), ("get", "/agents/v1/files/{file_id}"),
    ("delete", "/agents/v1/files/{file_id}"), ("post", "/agents/v1/files/{file_id}/complete"),
    ("put", "/agents/uploads/{file_id}/{secret}"),
    ("get", "/admin/tokens"), ("post", "/admin/tokens"), ("patch", "/admin/tokens/{token}"), ("delete", "/admin/tokens/{token}"),
    ("get", "/admin/channels"), ("post", "/admin/channels"), ("post", "/admin/channels/{name}/enable"),
    ("post", "/admin/channels/{name}/disable"), ("post", "/admin/channels/{name}/test"),
    ("get", "/admin/tasks"), ("get", "/admin/tasks/{id}"), ("get", "/admin/usage"), ("get", "/admin/stream"),
}
ERROR_CODES = {400: "invalid_request", 401: "unauthorized", 402: "insufficient_quota", 403: "token_disabled",
               404: "not_found", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
               422: "invalid_combination", 429: "rate_limited", 501: "not_implemented", 503: "no_channel_available"}
# Under /v1 errors are OpenAI's {"error": {"message", "type", "param", "code"}}, with OpenAI's codes where it has them.
OPENAI_ERROR_CODES = {400: {"invalid_request"}, 401: {"invalid_api_key"}, 403: {"token_disabled"}, 404: {"not_found"},
                      409: {"conflict"}, 413: {"payload_too_large"}, 415: {"unsupported_media_type"},
                      429: {"rate_limit_exceeded", "insufficient_quota"}, 503: {"no_channel_available"}}


class Document:
    """The served document, and every call made through it checked against it."""

    def __init__(self, gateway, document):
        self.gateway = gateway
        self.document = document
        self.checked = 0
        self.statuses = set()
        # Literal paths before templated ones: /luma/generations/file_upload is not a task id.
        self.templates = sorted(document["paths"], key=lambda path: (path.count("{"), path))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method, path):
        for template in self.templates:
            pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$"
            if re.match(pattern, path) and method in self.document["paths"][template]:
                return template, self.document["paths"][template][method]
        raise AssertionError(f"{method.upper()} {path} is not in the document")

    def check(self, response):
        method, path = response.request.method.lower(), response.request.url.path
        template, operation = self.operation(method, path)
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, \
            f"{method.upper()} {template} answered {response.status_code}, which it does not document: {response.text[:300]}"
        documented = self.resolve(documented)
        for name, header in documented.get("headers", {}).items():
            if self.resolve(header).get("required"):
                assert name in response.headers, f"{method.upper()} {template} {response.status_code} lacks {name}"
        content = documented.get("content")
        if content is None:
            assert response.content == b"", f"{method.upper()} {template} {response.status_code} should have no body"
        else:
            media_type = response.headers["content-type"].split(";")[0].strip()
            assert media_type in content, f"{method.upper()} {template} answered {media_type}, not {list(content)}"
            if media_type == "application/json":  # /v1/videos/{video_id}/content answers video/mp4 and image/jpeg
                schema = dict(content[media_type]["schema"], components=self.document["components"])
                jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(
                    response.json())
        self.checked += 1
        self.statuses.add(response.status_code)
        return response

    def request(self, method, path, expect, token=None, json=None, content=None, headers=None):
        headers = dict(headers or {})
        if token is not False:
            headers.setdefault("Authorization", f"Bearer {token or self.gateway.token}")
        response = self.check(httpx.request(method, self.gateway.base + path, json=json, content=content,
                                            headers=headers, timeout=60))
        assert response.status_code == expect, (method, path, response.status_code, response.text[:300])
        if expect >= 400 and path.startswith("/v1/"):
            assert response.json()["error"]["code"] in OPENAI_ERROR_CODES[expect]
        elif expect >= 400:
            assert response.json()["code"] == ERROR_CODES[expect]
        return response


@pytest.fixture(scope="module")
def served(gateway):
    response = httpx.get(gateway.base + "/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


@pytest.fixture(scope="module")
def api(gateway, served):
    return Document(gateway, served)


def wait_for(api, path, states, key="state", timeout=90, token=None):
    deadline = time.time() + timeout
    while True:
        body = api.request("GET", path, 200, token=token).json()
        if body[key] in states:
            return body
        assert time.time() < deadline, f"{path} is still {body[key]}"
        time.sleep(0.25)


def test_the_document_is_valid_openapi_3_1(served):
    assert served["openapi"] == "3.1.0"
    validate_spec(served, cls=OpenAPIV31SpecValidator)


def test_the_document_names_every_public_route_with_its_security(served):
    documented = {(method, path) for path, item in served["paths"].items() for method in item if method != "parameters"}
    assert documented == ROUTES
    scheme = served["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for method, path in ROUTES:
        operation = served["paths"][path][method]
        if path in ("/healthz", "/openapi.json"):
            assert operation["security"] == []
        elif path.startswith("/agents/uploads/"):
            # A presigned upload URL carries its own secret instead of a token.
            assert operation["security"] == [] and "403" in operation["responses"]
        elif path.startswith("/api/v1/"):
            # PiAPI's clients send the token as their key, in x-api-key.
            assert operation["security"] == [{"piapiKey": []}, {"bearerAuth": []}]
            scheme = served["components"]["securitySchemes"]["piapiKey"]
            assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "x-api-key")
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
        else:
            assert "security" not in operation and served["security"] == [{"bearerAuth": []}]
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


def test_request_bodies_carry_their_rules(served):
    schemas = served["components"]["schemas"]
    submit = schemas["LumaSubmitRequest"]
    assert submit["required"] == ["user_prompt"]
    assert submit["properties"]["user_prompt"]["maxLength"] == 5000
    assert schemas["AspectRatio"]["enum"] == ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"]
    assert schemas["LumaBatchRequest"]["properties"]["ids"]["maxItems"] == 100
    assert schemas["GenerationRequest"]["required"] == ["model"]
    assert schemas["VideoModel"]["enum"] == ["ray-1-6", "ray-2", "ray-flash-2", "ray-3.2"]


def test_the_relay_format_round_trip_matches_the_document(gateway, api, receiver):
    body = {"user_prompt": "a fox in the snow", "aspect_ratio": "9:16", "loop": True, "expand_prompt": False,
            "model_name": "ray-v2", "resolution": "720p", "duration": "5s", "image_url": png_data_uri(),
            "notify_hook": receiver.url + "/openapi-relay"}
    submitted = api.request("POST", "/luma/generations", 200, json=body).json()
    assert submitted["state"] == "pending" and submitted["video"] is None
    task_path = "/luma/generations/" + submitted["id"]
    api.request("GET", task_path + "/download_video_url", 409)
    api.request("POST", task_path + "/extend", 409, json={})
    completed = wait_for(api, task_path, ("completed", "failed"))
    assert completed["state"] == "completed"
    assert completed["video"]["download_url"] and completed["thumbnail"]["palette"]["grid"]
    assert api.request("GET", task_path + "/download_video_url", 200).json()["url"] == completed["video"]["download_url"]

    # The trailing-slash path real clients post to.
    slash = api.request("POST", "/luma/generations/", 200, json={"user_prompt": "posted with a slash"}).json()
    extended = api.request("POST", task_path + "/extend", 200, json={}, headers={"Idempotency-Key": "extend-1"}).json()
    assert extended["request"]["aspect_ratio"] == "9:16"
    again = api.request("POST", task_path + "/extend", 200, json={}, headers={"Idempotency-Key": "extend-1"}).json()
    assert again["id"] == extended["id"]
    api.request("POST", task_path + "/extend", 409, json={"user_prompt": "else"}, headers={"Idempotency-Key": "extend-1"})
    assert wait_for(api, "/luma/generations/" + extended["id"], ("completed", "failed"))["state"] == "completed"

    failing = api.request("POST", "/luma/generations", 200, json={"user_prompt": "sandbox:fail on purpose"}).json()
    failed = wait_for(api, "/luma/generations/" + failing["id"], ("completed", "failed"))
    assert failed["state"] == "failed" and failed["failure_reason"]

    listed = api.request("GET", "/luma/generations?limit=3", 200).json()
    assert [task["id"] for task in listed] == [failing["id"], extended["id"], slash["id"]]
    api.request("GET", "/luma/generations?limit=100&offset=1", 200)
    asked = [submitted["id"], str(uuid.uuid4()), failing["id"], "not-an-id"]
    batch = api.request("POST", "/luma/tasks", 200, json={"ids": asked}).json()
    assert [task["id"] for task in batch] == [submitted["id"], failing["id"]]
    assert [task["state"] for task in batch] == ["completed", "failed"]

    upload = api.request("POST", "/luma/generations/file_upload", 200, json={"url": png_data_uri()}).json()
    with_upload = api.request("POST", "/luma/generations", 200,
                              json={"user_prompt": "from an upload", "image_url": upload["public_url"], "image_end_url": png_data_uri()}).json()
    assert with_upload["request"]["image_url"] == upload["public_url"]

    # The webhooks carry the same task object.
    hooks = receiver.wait_for("/openapi-relay", 2)
    template, operation = api.operation("get", task_path)
    schema = dict(api.resolve(operation["responses"]["200"])["content"]["application/json"]["schema"],
                  components=api.document["components"])
    for hook in hooks:
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(hook)


def test_relay_format_errors_match_the_document(gateway, api):
    json_type = {"Content-Type": "application/json"}
    for body in [{}, {"user_prompt": "   "}, {"user_prompt": "x" * 5001}, {"user_prompt": "x", "aspect_ratio": "2:1"},
                 {"user_prompt": "x", "model_name": "ray-9"}, {"user_prompt": "x", "resolution": "8k"},
                 {"user_prompt": "x", "duration": "7s"}, {"user_prompt": "x", "loop": "yes"},
                 {"user_prompt": "x", "notify_hook": "ftp://example.com/hook"}, {"user_prompt": "x", "image_url": "file:///etc/passwd"},
                 {"user_prompt": "x", "image_url": "data:image/png;base64,AAAA"}, {"user_prompt": "x", "image_url": ""}]:
        api.request("POST", "/luma/generations", 400, json=body)
    for content in [b"{not json", b"[]", b""]:
        api.request("POST", "/luma/generations", 400, content=content, headers=json_type)
    api.request("POST", "/luma/generations", 413, content=b"{" + b" " * (33 * 1024 * 1024) + b"}", headers=json_type)
    api.request("POST", "/luma/generations", 415, content=b"user_prompt=x",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    api.request("POST", "/luma/generations/file_upload", 400, json={})
    api.request("POST", "/luma/generations/file_upload", 400, json={"url": "data:text/plain;base64,aGk="})
    api.request("POST", "/luma/tasks", 400, json={"ids": [str(i) for i in range(101)]})
    api.request("POST", "/luma/tasks", 400, json={"ids": "one"})
    for query in ["limit=0", "limit=101", "offset=-1", "limit=ten"]:
        api.request("GET", "/luma/generations?" + query, 400)

    unknown = "/luma/generations/" + str(uuid.uuid4())
    api.request("GET", unknown, 404)
    api.request("GET", unknown + "/download_video_url", 404)
    api.request("POST", unknown + "/extend", 404, json={})
    api.request("GET", "/luma/generations", 401, token=False)
    api.request("GET", "/luma/generations", 401, token="lg_not_a_token")
    api.request("GET", "/luma/generations", 401, token=False, headers={"Authorization": "Basic eDp5"})

    mine = api.request("POST", "/luma/generations", 200, json={"user_prompt": "only mine"}).json()
    api.request("GET", "/luma/generations/" + mine["id"], 404, token=gateway.other_token)
    assert api.request("POST", "/luma/tasks", 200, json={"ids": [mine["id"]]}, token=gateway.other_token).json() == []

    broke = gateway.create_token("openapi-broke", "--quota", "0")
    api.request("POST", "/luma/generations", 402, json={"user_prompt": "costs credits"}, token=broke)
    slow = gateway.create_token("openapi-slow", "--requests-per-minute", "1")
    api.request("GET", "/luma/generations", 200, token=slow)
    limited = api.request("GET", "/luma/generations", 429, token=slow)
    assert int(limited.headers["Retry-After"]) >= 1
    revoked = gateway.create_token("openapi-revoked")
    gateway.lumagate("token", "revoke", "openapi-revoked")
    api.request("GET", "/luma/generations", 403, token=revoked)


def test_the_official_format_matches_the_document(gateway, api, receiver):
    for path in ["/ping", "/credits", "/generations/concepts/list", "/generations/camera_motion/list"]:
        api.request("GET", "/dream-machine/v1" + path, 200)
    created = api.request("POST", "/dream-machine/v1/generations/video", 201, json={
        "model": "ray-2", "prompt": "a lighthouse", "aspect_ratio": "4:3", "resolution": "540p", "duration": "5s",
        "concepts": [{"key": "orbit_left"}], "callback_url": receiver.url + "/openapi-official",
        "keyframes": {"frame0": {"type": "image", "url": png_data_uri()}}}).json()
    path = "/dream-machine/v1/generations/" + created["id"]
    finished = wait_for(api, path, ("completed", "failed"))
    assert finished["state"] == "completed" and finished["assets"]["video"]
    # Reads through the relay format too, and extends, reverses and interpolates by generation id.
    api.request("GET", "/luma/generations/" + created["id"], 200)
    parent = {"type": "generation", "id": created["id"]}
    extended = api.request("POST", "/dream-machine/v1/generations", 201,
                           json={"model": "ray-flash-2", "keyframes": {"frame0": parent}}).json()
    assert extended["request"]["prompt"] == "" and extended["request"]["aspect_ratio"] == "4:3"
    api.request("POST", "/dream-machine/v1/generations", 409,
                json={"model": "ray-2", "prompt": "x", "keyframes": {"frame0": {"type": "generation", "id": extended["id"]}}})
    image = api.request("POST", "/dream-machine/v1/generations/image", 201,
                        json={"model": "photon-flash-1", "prompt": "a paper crane", "format": "png"}).json()
    image_done = wait_for(api, "/dream-machine/v1/generations/" + image["id"], ("completed", "failed"))
    assert image_done["assets"]["image"]
    failing = api.request("POST", "/dream-machine/v1/generations/video", 201, json={"model": "ray-1-6", "prompt": "sandbox:fail"}).json()
    assert wait_for(api, "/dream-machine/v1/generations/" + failing["id"], ("completed", "failed"))["state"] == "failed"
    page = api.request("GET", "/dream-machine/v1/generations?limit=2&offset=0", 200).json()
    assert page["count"] == 2 and page["has_more"]
    api.request("GET", "/dream-machine/v1/generations", 200)
    for operation in [path + "/upscale", path + "/audio", "/dream-machine/v1/generations/video/modify",
                      "/dream-machine/v1/generations/video/reframe", "/dream-machine/v1/generations/image/reframe"]:
        api.request("POST", operation, 501, json={})
    wait_for(api, "/dream-machine/v1/generations/" + extended["id"], ("completed", "failed"))
    api.request("DELETE", "/dream-machine/v1/generations/" + extended["id"], 204)
    api.request("GET", "/dream-machine/v1/generations/" + extended["id"], 404)
    api.request("DELETE", "/dream-machine/v1/generations/" + extended["id"], 404)
    for hook in receiver.wait_for("/openapi-official", 2):
        schema = dict(api.document["components"]["schemas"]["Generation"], components=api.document["components"])
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(hook)


def test_official_format_errors_match_the_document(gateway, api):
    create = "/dream-machine/v1/generations/video"
    for body in [{"prompt": "no model"}, {"model": "ray-9", "prompt": "x"}, {"model": "ray-2"},
                 {"model": "ray-2", "prompt": "x", "aspect_ratio": "2:1"},
                 {"model": "ray-2", "prompt": "x", "keyframes": {"frame0": {"type": "generation", "id": str(uuid.uuid4())}}},
                 {"model": "ray-2", "prompt": "x", "concepts": [{"key": "warp"}]}, {"model": "ray-2", "prompt": "x", "loop": 1}]:
        api.request("POST", create, 400, json=body)
    api.request("POST", "/dream-machine/v1/generations/image", 400, json={"model": "photon-1", "prompt": "x", "sync": True})
    api.request("POST", "/dream-machine/v1/generations/image", 400, json={"model": "photon-2", "prompt": "x"})
    api.request("POST", create, 415, content=b"{}", headers={"Content-Type": "text/plain"})
    api.request("GET", "/dream-machine/v1/generations?limit=1001", 400)
    api.request("GET", "/dream-machine/v1/generations/" + str(uuid.uuid4()), 404)
    api.request("GET", "/dream-machine/v1/credits", 401, token="lg_wrong")
    api.request("POST", create, 201, json={"model": "ray-2", "prompt": "two"}, headers={"Idempotency-Key": "dm-2"})
    api.request("POST", create, 409, json={"model": "ray-2", "prompt": "three"}, headers={"Idempotency-Key": "dm-2"})
    # A retry whose task was deleted since does not answer the deleted task (it 404s everywhere).
    gone = api.request("POST", create, 201, json={"model": "ray-2", "prompt": "soon gone"},
                       headers={"Idempotency-Key": "dm-3"}).json()
    api.request("DELETE", "/dream-machine/v1/generations/" + gone["id"], 204)
    retried = api.request("POST", create, 409, json={"model": "ray-2", "prompt": "soon gone"}, headers={"Idempotency-Key": "dm-3"})
    assert "deleted" in retried.json()["detail"]
    broke = gateway.create_token("openapi-broke-official", "--quota", "1")
    assert api.request("GET", "/dream-machine/v1/credits", 200, token=broke).json() == {"credit_balance": 1}
    api.request("POST", create, 402, json={"model": "ray-2", "prompt": "too dear"}, token=broke)


def test_the_agents_face_matches_the_document(gateway, api):
    # A token of its own: its ray-3.2 and uni-1 tasks stay out of the official face's lists.
    token = gateway.create_token("openapi-agents")
    created = api.request("POST", "/agents/v1/generations", 201, token=token, json={
        "model": "ray-3.2", "type": "video", "prompt": "agents in the document", "aspect_ratio": "9:16",
        "video": {"resolution": "360p", "duration": "5s", "start_frame": {"data": png_data_uri().split(",", 1)[1], "media_type": "image/png"}}})
    done = wait_for(api, "/agents/v1/generations/" + created.json()["id"], {"completed", "failed"}, token=token)
    assert done["state"] == "completed" and done["output"][0]["type"] == "video"
    image = api.request("POST", "/agents/v1/generations", 201, token=token, json={"model": "uni-1", "prompt": "a kite", "output_format": "png"}).json()
    assert wait_for(api, "/agents/v1/generations/" + image["id"], {"completed", "failed"}, token=token)["output"][0]["type"] == "image"
    api.request("POST", "/agents/v1/generations", 400, json={"model": "ray-3.2", "prompt": "x", "video": {"resolution": "4k"}})
    api.request("POST", "/agents/v1/generations", 422, json={"model": "ray-3.2", "prompt": "x", "video": {"duration": "10s", "loop": True}})
    layered = api.request("POST", "/agents/v1/generations", 201, token=token, json={
        "type": "layering", "prompt": "", "layering": {"resolution": "1k"}, "source": {"data": png_data_uri().split(",", 1)[1], "media_type": "image/png"}}).json()
    assert [output["layer"]["index"] for output in wait_for(api, "/agents/v1/generations/" + layered["id"], {"completed", "failed"}, token=token)["output"]] == [0, 1]
    api.request("POST", "/agents/v1/generations", 400, json={
        "model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"url": "http://192.168.1.5/a.mp4", "media_type": "video/mp4"}})
    api.request("GET", "/agents/v1/generations/" + str(uuid.uuid4()), 404)
    api.request("GET", "/agents/v1/generations/" + str(uuid.uuid4()), 401, token="lg_wrong")
    catalogue = api.request("GET", "/models", 200, token=token).json()["data"]
    assert {"ray-3.2", "uni-1"} <= {model["id"] for model in catalogue}

    png = base64.b64decode(png_data_uri(32, 24).split(",", 1)[1])
    reserved = api.request("POST", "/agents/v1/files", 201, token=token, json={"mime_type": "image/png", "size_bytes": len(png), "purpose": "input"}).json()
    put_url = reserved["upload"]["url"]
    forged = api.check(httpx.put(put_url[:-4] + "0000", content=png))
    assert forged.status_code == 403
    assert api.check(httpx.put(put_url, content=png)).status_code == 200
    api.request("POST", f"/agents/v1/files/{reserved['id']}/complete", 200, token=token)
    uploaded = api.check(httpx.post(gateway.base + "/agents/v1/files", headers={"Authorization": f"Bearer {token}"},
                                    files={"file": ("f.png", png, "image/png")}))
    assert uploaded.status_code == 201
    assert api.request("GET", "/agents/v1/files?limit=1", 200, token=token).json()["has_more"]
    api.request("GET", "/agents/v1/files?limit=0", 400)
    api.request("GET", f"/agents/v1/files/{reserved['id']}", 200, token=token)
    api.request("DELETE", f"/agents/v1/files/{reserved['id']}", 204, token=token)
    assert api.request("GET", f"/agents/v1/files/{reserved['id']}", 200, token=token).json()["state"] == "deleted"
    assert api.request("GET", "/agents/v1/files?state=deleted", 200, token=token).json()["data"][0]["id"] == reserved["id"]


def test_the_dialects_match_the_document(gateway, api, receiver):
    token = gateway.create_token("openapi-dialects")
    bearer = {"Authorization": f"Bearer {token}"}

    def post(path, body, headers=bearer):
        return api.check(httpx.post(gateway.base + path, json=body, headers=headers, timeout=120))

    made = post("/luma/videos", {"action": "generate", "prompt": "a dialect", "start_image_url": png_data_uri()})
    assert made.status_code == 200 and made.json()["state"] == "completed", made.text
    task_id = made.json()["task_id"]
    assert post("/luma/videos", {"prompt": "at once", "async": True}).json().keys() == {"task_id"}
    assert post("/luma/videos", {"action": "extend", "video_id": task_id, "callback_url": receiver.url + "/openapi-ace"}).status_code == 200
    assert post("/luma/videos", {"action": "extend"}).status_code == 400
    assert post("/luma/videos", {"prompt": "x"}, headers={}).status_code == 401
    assert post("/luma/tasks", {"action": "retrieve", "id": task_id}).json()["response"]["task_id"] == task_id
    assert post("/luma/tasks", {"action": "retrieve_batch", "ids": [task_id]}).json()["count"] == 1
    assert post("/luma/tasks", {"action": "retrieve", "id": str(uuid.uuid4())}).status_code == 404
    assert post("/luma/tasks", {"ids": [task_id]}).json()[0]["id"] == task_id

    key = {"x-api-key": token}
    created = post("/api/v1/task", {"model": "luma", "task_type": "video_generation", "input": {"prompt": "piapi"},
                                    "config": {"webhook_config": {"endpoint": receiver.url + "/openapi-piapi", "secret": "s"}}}, headers=key)
    assert created.status_code == 200, created.text
    piapi_id = created.json()["data"]["task_id"]
    deadline = time.time() + 90
    while (got := api.check(httpx.get(f"{gateway.base}/api/v1/task/{piapi_id}", headers=key))).json()["data"]["status"] not in ("completed", "failed"):
        assert time.time() < deadline
        time.sleep(0.25)
    assert got.json()["data"]["output"]["video"]["url"]
    assert post("/api/v1/task", {"model": "luma", "task_type": "extend_video", "input": {"prompt": "x"}}, headers=key).status_code == 400
    assert post("/api/v1/task", {"model": "luma"}, headers={}).status_code == 401
    assert api.check(httpx.get(f"{gateway.base}/api/v1/task/{uuid.uuid4()}", headers=key)).status_code == 404


def test_enough_live_responses_were_checked_against_the_document(api):
    assert api.checked >= 100
    assert {200, 201, 204, 400, 401, 402, 403, 404, 409, 413, 415, 429, 501} <= api.statuses
