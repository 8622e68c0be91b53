import Hummingbird

/// The OpenAPI 3.1 document of both API faces (the relay format under `/luma`, Luma's official
/// format under `/dream-machine/v1`) and `/healthz`, served without a token at `GET /openapi.json`.
/// It describes what the server really does, down to the shape of every response:
/// Tests/sdk/test_openapi.py checks live responses of both faces against it and scripts/fuzz-api
/// fuzzes every operation with schemathesis from it. Change it together with the controllers
/// (HTTP/LumaAPI, HTTP/DreamMachineAPI), FieldRules and GatewayError it mirrors.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "lumagate",
        "version": "1.0.0",
        "summary": "A self-hosted gateway for Luma video generation.",
        "description": "Two faces over one store: the relay format under `/luma` (the task object that Luma relays document), and Luma's official Dream Machine API under `/dream-machine/v1`, which follows Luma's own OpenAPI document so Luma's SDKs work unchanged. Every route there needs `Authorization: Bearer <token>` (`lumagate token create`). Every error of both faces is `{\"detail\", \"code\"}`. Not described here: `/metrics` (Prometheus text), `/media/...` (the files the gateway serves, with HTTP Range) and `/callbacks/dream-machine/{secret}` (where Luma posts its state changes)."
      },
      "servers": [
        {
          "url": "/"
        }
      ],
      "security": [
        {
          "bearerAuth": []
        }
      ],
      "tags": [
        {
          "name": "Relay format",
          "description": "Face 1, under /luma."
        },
        {
          "name": "Dream Machine",
          "description": "Face 2: Luma's official API, under /dream-machine/v1."
        },
        {
          "name": "Gateway"
        }
      ],
      "paths": {
        "/healthz": {
          "get": {
            "operationId": "healthz",
            "summary": "Health",
            "tags": [
              "Gateway"
            ],
            "responses": {
              "200": {
                "description": "The gateway serves.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "status": {
                          "const": "ok"
                        }
                      },
                      "required": [
                        "status"
                      ],
                      "additionalProperties": false
                    }
                  }
                }
              }
            },
            "security": []
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openapi",
            "summary": "This document",
            "tags": [
              "Gateway"
            ],
            "responses": {
              "200": {
                "description": "This OpenAPI 3.1 document.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": [
                        "openapi",
                        "info",
                        "paths"
                      ]
                    }
                  }
                }
              }
            },
            "security": []
          }
        },
        "/luma/generations": {
          "post": {
            "operationId": "lumaSubmit",
            "summary": "Submit a video task",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The task to make. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LumaSubmitRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The task object.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTask"
                    }
                  }
                },
                "links": {
                  "QueryTask": {
                    "operationId": "lumaQuery",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  },
                  "TaskEvents": {
                    "operationId": "lumaTaskEvents",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          },
          "get": {
            "operationId": "lumaList",
            "summary": "List the caller's tasks, newest first",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "offset",
                "in": "query",
                "required": false,
                "description": "How many of the newest to skip.",
                "schema": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 2147483647,
                  "default": 0
                }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "How many to answer, 1 to 100.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 20
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The caller's task objects (videos only), newest first.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTaskList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/luma/generations/": {
          "get": {
            "operationId": "lumaListTrailingSlash",
            "summary": "List the caller's tasks, newest first (with a trailing slash)",
            "description": "The same as `GET /luma/generations`.",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "offset",
                "in": "query",
                "required": false,
                "description": "How many of the newest to skip.",
                "schema": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 2147483647,
                  "default": 0
                }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "How many to answer, 1 to 100.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 20
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The caller's task objects (videos only), newest first.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTaskList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          },
          "post": {
            "operationId": "lumaSubmitTrailingSlash",
            "summary": "Submit a video task (the path real clients post to)",
            "tags": [
              "Relay format"
            ],
            "description": "The same as `POST /luma/generations`.",
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The task to make. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LumaSubmitRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The task object.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTask"
                    }
                  }
                },
                "links": {
                  "QueryTask": {
                    "operationId": "lumaQuery",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  },
                  "TaskEvents": {
                    "operationId": "lumaTaskEvents",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/luma/generations/file_upload": {
          "post": {
            "operationId": "lumaFileUpload",
            "summary": "Store an image for use as `image_url`",
            "tags": [
              "Relay format"
            ],
            "requestBody": {
              "required": true,
              "description": "The image. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LumaFileUploadRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The stored image.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaFileUpload"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/luma/generations/{task_id}": {
          "get": {
            "operationId": "lumaQuery",
            "summary": "Query one task",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "task_id",
                "in": "path",
                "required": true,
                "description": "The task's id, as issued by the gateway.",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The task object.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTask"
                    }
                  }
                },
                "links": {
                  "QueryTask": {
                    "operationId": "lumaQuery",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  },
                  "TaskEvents": {
                    "operationId": "lumaTaskEvents",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/luma/generations/{task_id}/extend": {
          "post": {
            "operationId": "lumaExtend",
            "summary": "Continue a completed task's video",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "task_id",
                "in": "path",
                "required": true,
                "description": "The task's id, as issued by the gateway.",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The extension. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LumaExtendRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The task object.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTask"
                    }
                  }
                },
                "links": {
                  "QueryTask": {
                    "operationId": "lumaQuery",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  },
                  "TaskEvents": {
                    "operationId": "lumaTaskEvents",
                    "parameters": {
                      "task_id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/luma/generations/{task_id}/download_video_url": {
          "get": {
            "operationId": "lumaDownloadVideoURL",
            "summary": "The video's download URL",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "task_id",
                "in": "path",
                "required": true,
                "description": "The task's id, as issued by the gateway.",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The URL of the watermark-free video.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaDownloadURL"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/luma/generations/{task_id}/events": {
          "get": {
            "operationId": "lumaTaskEvents",
            "summary": "The task's timeline of state changes",
            "tags": [
              "Relay format"
            ],
            "parameters": [
              {
                "name": "task_id",
                "in": "path",
                "required": true,
                "description": "The task's id, as issued by the gateway.",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "Every state change of the task, oldest first; the first has `from: null`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/TaskEvent"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/luma/tasks": {
          "post": {
            "operationId": "lumaBatchQuery",
            "summary": "Query up to 100 tasks at once",
            "tags": [
              "Relay format"
            ],
            "requestBody": {
              "required": true,
              "description": "The ids. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LumaBatchRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The caller's tasks in the order asked; unknown ids (and other tokens') are left out.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LumaTaskList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/ping": {
          "get": {
            "operationId": "ping",
            "summary": "Ping",
            "tags": [
              "Dream Machine"
            ],
            "responses": {
              "200": {
                "description": "Pong.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "message": {
                          "const": "pong"
                        }
                      },
                      "required": [
                        "message"
                      ],
                      "additionalProperties": false
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/credits": {
          "get": {
            "operationId": "getCredits",
            "summary": "Credits left",
            "tags": [
              "Dream Machine"
            ],
            "responses": {
              "200": {
                "description": "The balance.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Credits"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/generations/concepts/list": {
          "get": {
            "operationId": "getConcepts",
            "summary": "Camera concepts",
            "tags": [
              "Dream Machine"
            ],
            "responses": {
              "200": {
                "description": "The concept keys a video request may name.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "aerial",
                          "aerial_drone",
                          "bolt_cam",
                          "crane_down",
                          "crane_up",
                          "dolly_zoom",
                          "elevator_doors",
                          "eye_level",
                          "ground_level",
                          "handheld",
                          "high_angle",
                          "low_angle",
                          "orbit_left",
                          "orbit_right",
                          "overhead",
                          "pan_left",
                          "pan_right",
                          "pedestal_down",
                          "pedestal_up",
                          "pov",
                          "pull_out",
                          "push_in",
                          "roll_left",
                          "roll_right",
                          "selfie",
                          "static",
                          "tilt_down",
                          "tilt_up",
                          "tiny_planet",
                          "truck_left",
                          "truck_right",
                          "zoom_in",
                          "zoom_out"
                        ]
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/generations/camera_motion/list": {
          "get": {
            "operationId": "getCameraMotions",
            "summary": "Camera motions",
            "tags": [
              "Dream Machine"
            ],
            "responses": {
              "200": {
                "description": "The camera motions of the earlier models, written into prompts.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "Static",
                          "Move Left",
                          "Move Right",
                          "Move Up",
                          "Move Down",
                          "Push In",
                          "Pull Out",
                          "Zoom In",
                          "Zoom Out",
                          "Pan Left",
                          "Pan Right",
                          "Orbit Left",
                          "Orbit Right",
                          "Crane Up",
                          "Crane Down"
                        ]
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/generations": {
          "post": {
            "operationId": "createGenerationLegacy",
            "summary": "Create a video (the older route)",
            "tags": [
              "Dream Machine"
            ],
            "description": "The same as `POST /generations/video`.",
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The video to make. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerationRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                },
                "links": {
                  "GetGeneration": {
                    "operationId": "getGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  },
                  "DeleteGeneration": {
                    "operationId": "deleteGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          },
          "get": {
            "operationId": "listGenerations",
            "summary": "List generations, newest first",
            "tags": [
              "Dream Machine"
            ],
            "parameters": [
              {
                "name": "offset",
                "in": "query",
                "required": false,
                "description": "How many of the newest to skip.",
                "schema": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 2147483647,
                  "default": 0
                }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "How many to answer, 1 to 1000.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              }
            ],
            "responses": {
              "200": {
                "description": "A page of the caller's generations.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListGenerationResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/generations/video": {
          "post": {
            "operationId": "createGeneration",
            "summary": "Create a video",
            "tags": [
              "Dream Machine"
            ],
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The video to make. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerationRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                },
                "links": {
                  "GetGeneration": {
                    "operationId": "getGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  },
                  "DeleteGeneration": {
                    "operationId": "deleteGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/image": {
          "post": {
            "operationId": "generateImage",
            "summary": "Create an image",
            "tags": [
              "Dream Machine"
            ],
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The image to make. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ImageGenerationRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                },
                "links": {
                  "GetGeneration": {
                    "operationId": "getGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  },
                  "DeleteGeneration": {
                    "operationId": "deleteGeneration",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/{id}": {
          "get": {
            "operationId": "getGeneration",
            "summary": "Get a generation",
            "tags": [
              "Dream Machine"
            ],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The generation's id (the same id as the relay format's task).",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The Generation.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          },
          "delete": {
            "operationId": "deleteGeneration",
            "summary": "Delete a generation",
            "tags": [
              "Dream Machine"
            ],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The generation's id (the same id as the relay format's task).",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "204": {
                "description": "Deleted from both faces; its media files are removed."
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              }
            }
          }
        },
        "/dream-machine/v1/generations/{id}/upscale": {
          "post": {
            "operationId": "upscaleGeneration",
            "summary": "Upscale a video made through Luma",
            "tags": [
              "Dream Machine"
            ],
            "description": "Only Luma can do this: it is relayed to a dream-machine channel, and answers 501 when the gateway has none. The generation must be one of the caller's completed videos made through Luma (409 while unfinished, 400 for a sandbox one).",
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The generation's id (the same id as the relay format's task).",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The operation, relayed to Luma as sent. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpscaleVideoGenerationRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "501": {
                "$ref": "#/components/responses/NotImplemented"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/{id}/audio": {
          "post": {
            "operationId": "addAudioToGeneration",
            "summary": "Add audio to a video made through Luma",
            "tags": [
              "Dream Machine"
            ],
            "description": "Only Luma can do this: it is relayed to a dream-machine channel, and answers 501 when the gateway has none. The generation must be one of the caller's completed videos made through Luma (409 while unfinished, 400 for a sandbox one).",
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The generation's id (the same id as the relay format's task).",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The operation, relayed to Luma as sent. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/AudioGenerationRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "501": {
                "$ref": "#/components/responses/NotImplemented"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/video/modify": {
          "post": {
            "operationId": "modifyVideo",
            "summary": "Modify a video",
            "tags": [
              "Dream Machine"
            ],
            "description": "Only Luma can do this: it is relayed to a dream-machine channel, and answers 501 when the gateway has none.",
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The operation, relayed to Luma as sent. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ModifyVideoRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "501": {
                "$ref": "#/components/responses/NotImplemented"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/video/reframe": {
          "post": {
            "operationId": "reframeVideo",
            "summary": "Reframe a video",
            "tags": [
              "Dream Machine"
            ],
            "description": "Only Luma can do this: it is relayed to a dream-machine channel, and answers 501 when the gateway has none.",
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The operation, relayed to Luma as sent. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ReframeVideoRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "501": {
                "$ref": "#/components/responses/NotImplemented"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        },
        "/dream-machine/v1/generations/image/reframe": {
          "post": {
            "operationId": "reframeImage",
            "summary": "Reframe an image",
            "tags": [
              "Dream Machine"
            ],
            "description": "Only Luma can do this: it is relayed to a dream-machine channel, and answers 501 when the gateway has none.",
            "parameters": [
              {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Your id for this request: a retry with the same key and the same request within 24 hours returns the task the first one created, charged once; the same key with another request, or after that task was deleted, is a 409.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 255
                }
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The operation, relayed to Luma as sent. Sent as JSON; a body without Content-Type is read as JSON too.",
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ReframeImageRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The Generation, `queued`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Generation"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "402": {
                "$ref": "#/components/responses/InsufficientQuota"
              },
              "403": {
                "$ref": "#/components/responses/TokenDisabled"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "501": {
                "$ref": "#/components/responses/NotImplemented"
              },
              "503": {
                "$ref": "#/components/responses/NoChannelAvailable"
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `lumagate token create`."
          }
        },
        "responses": {
          "BadRequest": {
            "description": "The request is not valid: malformed JSON, a missing, blank or wrong-typed field (the detail names it), an image that cannot be fetched or is not an image, or a bad query parameter.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "invalid_request"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "Unauthorized": {
            "description": "No, malformed or unknown bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "unauthorized"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "InsufficientQuota": {
            "description": "The task costs more credits than the token has left; nothing is stored or charged.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "insufficient_quota"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "TokenDisabled": {
            "description": "The token was revoked.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "token_disabled"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "NotFound": {
            "description": "No such task for this token (another token's task answers the same), or no such route.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "not_found"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "Conflict": {
            "description": "The task is not completed yet (extend, download, keyframe), or an `Idempotency-Key` was reused with another request or names a task deleted since.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "conflict"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "The body is over 32 MiB, or an image over 10 MiB.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "payload_too_large"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "UnsupportedMediaType": {
            "description": "The body was sent with a Content-Type other than JSON.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "unsupported_media_type"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "RateLimited": {
            "description": "Over the token's requests per minute or tasks in flight; `Retry-After` says when to try again.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "rate_limited"
                        }
                      }
                    }
                  ]
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": true,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            }
          },
          "NotImplemented": {
            "description": "This operation needs Luma's Dream Machine API, and the gateway has no dream-machine channel configured.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "not_implemented"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "NoChannelAvailable": {
            "description": "No enabled upstream channel can take this request now; `Retry-After` says when to try again.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Error"
                    },
                    {
                      "properties": {
                        "code": {
                          "const": "no_channel_available"
                        }
                      }
                    }
                  ]
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": true,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            }
          }
        },
        "schemas": {
          "Error": {
            "type": "object",
            "description": "Every error of both faces: a sentence a person can act on, and a stable code.",
            "properties": {
              "detail": {
                "type": "string",
                "minLength": 1
              },
              "code": {
                "type": "string",
                "pattern": "^[a-z][a-z_]*$"
              }
            },
            "required": [
              "detail",
              "code"
            ],
            "additionalProperties": false
          },
          "AspectRatio": {
            "type": "string",
            "enum": [
              "1:1",
              "16:9",
              "9:16",
              "4:3",
              "3:4",
              "21:9",
              "9:21"
            ],
            "default": "16:9"
          },
          "LumaSubmitRequest": {
            "type": "object",
            "description": "A relay-format submit. Unknown fields are ignored; a field sent as null counts as left out.",
            "properties": {
              "user_prompt": {
                "type": "string",
                "minLength": 1,
                "maxLength": 5000,
                "pattern": "[^\\s]",
                "description": "Required, not blank, at most 5000 characters."
              },
              "aspect_ratio": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/AspectRatio"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "expand_prompt": {
                "type": [
                  "boolean",
                  "null"
                ]
              },
              "loop": {
                "type": [
                  "boolean",
                  "null"
                ]
              },
              "image_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "minLength": 1,
                    "description": "An http(s) URL of a PNG, JPEG or WebP image (the gateway fetches it, at most 10 MiB), or a `data:image/(png|jpeg|webp);base64,` URI.",
                    "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|data:image/)"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "image_end_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "minLength": 1,
                    "description": "An http(s) URL of a PNG, JPEG or WebP image (the gateway fetches it, at most 10 MiB), or a `data:image/(png|jpeg|webp);base64,` URI.",
                    "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|data:image/)"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "notify_hook": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048,
                    "description": "An http(s) URL that receives the task object on every state change; loopback, private and link-local destinations are refused."
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "model_name": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "ray-v1",
                  "ray-v2",
                  "ray-flash-v2",
                  "ray-1-6",
                  "ray-2",
                  "ray-flash-2",
                  null
                ]
              },
              "resolution": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k",
                  null
                ]
              },
              "duration": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "5s",
                  "9s",
                  null
                ]
              }
            },
            "required": [
              "user_prompt"
            ]
          },
          "LumaExtendRequest": {
            "type": "object",
            "description": "Continues a completed task. `user_prompt` may be left out (the parent's is used); the aspect ratio is always the parent's, and images are refused.",
            "properties": {
              "user_prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000,
                "pattern": "[^\\s]"
              },
              "aspect_ratio": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/AspectRatio"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "expand_prompt": {
                "type": [
                  "boolean",
                  "null"
                ]
              },
              "loop": {
                "type": [
                  "boolean",
                  "null"
                ]
              },
              "notify_hook": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "model_name": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "ray-v1",
                  "ray-v2",
                  "ray-flash-v2",
                  "ray-1-6",
                  "ray-2",
                  "ray-flash-2",
                  null
                ]
              },
              "resolution": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k",
                  null
                ]
              },
              "duration": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "5s",
                  "9s",
                  null
                ]
              },
              "image_url": {
                "type": "null"
              },
              "image_end_url": {
                "type": "null"
              }
            }
          },
          "LumaFileUploadRequest": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "minLength": 1,
                "description": "An http(s) URL of a PNG, JPEG or WebP image (the gateway fetches it, at most 10 MiB), or a `data:image/(png|jpeg|webp);base64,` URI.",
                "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|data:image/)"
              }
            },
            "required": [
              "url"
            ]
          },
          "LumaFileUpload": {
            "type": "object",
            "properties": {
              "id": {
                "type": "string",
                "format": "uuid"
              },
              "public_url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "id",
              "public_url"
            ],
            "additionalProperties": false
          },
          "LumaBatchRequest": {
            "type": "object",
            "properties": {
              "ids": {
                "type": "array",
                "maxItems": 100,
                "items": {
                  "type": "string"
                }
              }
            },
            "required": [
              "ids"
            ]
          },
          "TaskEvent": {
            "type": "object",
            "properties": {
              "at": {
                "type": "string",
                "format": "date-time"
              },
              "from": {
                "anyOf": [
                  {
                    "type": "string",
                    "enum": [
                      "pending",
                      "processing",
                      "completed",
                      "failed"
                    ]
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "to": {
                "type": "string",
                "enum": [
                  "pending",
                  "processing",
                  "completed",
                  "failed"
                ]
              },
              "reason": {
                "type": "string"
              }
            },
            "required": [
              "at",
              "from",
              "to",
              "reason"
            ],
            "additionalProperties": false
          },
          "LumaDownloadURL": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "url"
            ],
            "additionalProperties": false
          },
          "LumaVideo": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "format": "uri"
              },
              "width": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "height": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "download_url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "url",
              "width",
              "height",
              "download_url"
            ],
            "additionalProperties": false
          },
          "LumaVideoRaw": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "format": "uri"
              },
              "width": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "height": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "duration": {
                "type": [
                  "number",
                  "null"
                ],
                "description": "Seconds."
              },
              "media_type": {
                "const": "video"
              }
            },
            "required": [
              "url",
              "width",
              "height",
              "duration",
              "media_type"
            ],
            "additionalProperties": false
          },
          "LumaImage": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "format": "uri"
              },
              "width": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "height": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "palette": {
                "oneOf": [
                  {
                    "type": "null"
                  },
                  {
                    "type": "object",
                    "properties": {
                      "grid": {
                        "type": "string",
                        "contentEncoding": "base64",
                        "description": "Base64 of the image scaled to 5×5 RGB pixels (75 bytes)."
                      }
                    },
                    "required": [
                      "grid"
                    ],
                    "additionalProperties": false
                  }
                ]
              },
              "media_type": {
                "const": "image"
              }
            },
            "required": [
              "url",
              "width",
              "height",
              "palette",
              "media_type"
            ],
            "additionalProperties": false
          },
          "LumaArtifact": {
            "type": "object",
            "properties": {
              "video": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaVideo"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "thumbnail": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaImage"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "video_raw": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaVideoRaw"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "created_at": {
                "type": "string",
                "format": "date-time",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                "description": "RFC 3339, UTC, with milliseconds.",
                "examples": [
                  "2024-12-24T18:01:25.319Z"
                ]
              },
              "last_frame": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaImage"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "video",
              "thumbnail",
              "video_raw",
              "created_at",
              "last_frame"
            ],
            "additionalProperties": false
          },
          "LumaTaskRequest": {
            "type": "object",
            "description": "The request as accepted.",
            "properties": {
              "prompt": {
                "type": "string"
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "expand_prompt": {
                "type": "boolean"
              },
              "loop": {
                "type": "boolean"
              },
              "image_url": {
                "type": "string",
                "format": "uri"
              },
              "image_end_url": {
                "type": "string",
                "format": "uri"
              },
              "model_name": {
                "type": "string",
                "enum": [
                  "ray-v1",
                  "ray-v2",
                  "ray-flash-v2",
                  "ray-1-6",
                  "ray-2",
                  "ray-flash-2"
                ]
              },
              "resolution": {
                "type": "string",
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k"
                ]
              },
              "duration": {
                "type": "string",
                "enum": [
                  "5s",
                  "9s"
                ]
              }
            },
            "required": [
              "prompt",
              "aspect_ratio"
            ],
            "additionalProperties": false
          },
          "LumaTask": {
            "type": "object",
            "description": "The relay format's task object: every key always present, null where not known. `completed` always comes with `video.url` and `video.download_url`; `failure_reason` is a sentence exactly when `failed`.",
            "properties": {
              "id": {
                "type": "string",
                "format": "uuid"
              },
              "state": {
                "type": "string",
                "enum": [
                  "pending",
                  "processing",
                  "completed",
                  "failed"
                ]
              },
              "video": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaVideo"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "request": {
                "$ref": "#/components/schemas/LumaTaskRequest"
              },
              "artifact": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaArtifact"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "thumbnail": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaImage"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "video_raw": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaVideoRaw"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "created_at": {
                "type": "string",
                "format": "date-time",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                "description": "RFC 3339, UTC, with milliseconds.",
                "examples": [
                  "2024-12-24T18:01:25.319Z"
                ]
              },
              "last_frame": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/LumaImage"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "failure_reason": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "prompt": {
                "type": "string"
              },
              "liked": {
                "type": "null"
              },
              "estimate_wait_seconds": {
                "type": [
                  "integer",
                  "null"
                ]
              }
            },
            "required": [
              "id",
              "state",
              "video",
              "request",
              "artifact",
              "thumbnail",
              "video_raw",
              "created_at",
              "last_frame",
              "failure_reason",
              "prompt",
              "liked",
              "estimate_wait_seconds"
            ],
            "additionalProperties": false,
            "allOf": [
              {
                "if": {
                  "properties": {
                    "state": {
                      "const": "completed"
                    }
                  }
                },
                "then": {
                  "properties": {
                    "video": {
                      "$ref": "#/components/schemas/LumaVideo"
                    },
                    "artifact": {
                      "$ref": "#/components/schemas/LumaArtifact"
                    }
                  }
                },
                "else": {
                  "properties": {
                    "video": {
                      "type": "null"
                    },
                    "artifact": {
                      "type": "null"
                    },
                    "thumbnail": {
                      "type": "null"
                    },
                    "video_raw": {
                      "type": "null"
                    },
                    "last_frame": {
                      "type": "null"
                    }
                  }
                }
              },
              {
                "if": {
                  "properties": {
                    "state": {
                      "const": "failed"
                    }
                  }
                },
                "then": {
                  "properties": {
                    "failure_reason": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                },
                "else": {
                  "properties": {
                    "failure_reason": {
                      "type": "null"
                    }
                  }
                }
              }
            ]
          },
          "LumaTaskList": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LumaTask"
            }
          },
          "State": {
            "type": "string",
            "enum": [
              "queued",
              "dreaming",
              "completed",
              "failed"
            ]
          },
          "VideoModel": {
            "type": "string",
            "enum": [
              "ray-1-6",
              "ray-2",
              "ray-flash-2"
            ]
          },
          "ImageModel": {
            "type": "string",
            "enum": [
              "photon-1",
              "photon-flash-1"
            ]
          },
          "ImageFormat": {
            "type": "string",
            "enum": [
              "jpg",
              "png"
            ]
          },
          "GenerationReference": {
            "type": "object",
            "properties": {
              "type": {
                "const": "generation"
              },
              "id": {
                "type": "string",
                "format": "uuid",
                "description": "One of the caller's own completed videos."
              }
            },
            "required": [
              "type",
              "id"
            ]
          },
          "ImageReference": {
            "type": "object",
            "properties": {
              "type": {
                "const": "image"
              },
              "url": {
                "type": "string",
                "minLength": 1,
                "description": "An http(s) URL of a PNG, JPEG or WebP image (the gateway fetches it, at most 10 MiB), or a `data:image/(png|jpeg|webp);base64,` URI.",
                "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|data:image/)"
              }
            },
            "required": [
              "type",
              "url"
            ]
          },
          "Keyframe": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/GenerationReference"
              },
              {
                "$ref": "#/components/schemas/ImageReference"
              }
            ],
            "discriminator": {
              "propertyName": "type",
              "mapping": {
                "generation": "#/components/schemas/GenerationReference",
                "image": "#/components/schemas/ImageReference"
              }
            }
          },
          "Keyframes": {
            "type": "object",
            "properties": {
              "frame0": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Keyframe"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "frame1": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Keyframe"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            }
          },
          "Concept": {
            "type": "object",
            "properties": {
              "key": {
                "type": "string",
                "enum": [
                  "aerial",
                  "aerial_drone",
                  "bolt_cam",
                  "crane_down",
                  "crane_up",
                  "dolly_zoom",
                  "elevator_doors",
                  "eye_level",
                  "ground_level",
                  "handheld",
                  "high_angle",
                  "low_angle",
                  "orbit_left",
                  "orbit_right",
                  "overhead",
                  "pan_left",
                  "pan_right",
                  "pedestal_down",
                  "pedestal_up",
                  "pov",
                  "pull_out",
                  "push_in",
                  "roll_left",
                  "roll_right",
                  "selfie",
                  "static",
                  "tilt_down",
                  "tilt_up",
                  "tiny_planet",
                  "truck_left",
                  "truck_right",
                  "zoom_in",
                  "zoom_out"
                ]
              }
            },
            "required": [
              "key"
            ]
          },
          "GenerationRequest": {
            "type": "object",
            "description": "Create a video (Luma's GenerationRequest). `prompt` is required unless there are keyframes. Unknown fields are ignored; null counts as left out.",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "video",
                  null
                ]
              },
              "prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000
              },
              "aspect_ratio": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/AspectRatio"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "loop": {
                "type": [
                  "boolean",
                  "null"
                ]
              },
              "keyframes": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Keyframes"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "model": {
                "$ref": "#/components/schemas/VideoModel"
              },
              "resolution": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k",
                  null
                ]
              },
              "duration": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "5s",
                  "9s",
                  null
                ]
              },
              "concepts": {
                "anyOf": [
                  {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Concept"
                    }
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "model"
            ],
            "anyOf": [
              {
                "required": [
                  "prompt"
                ],
                "properties": {
                  "prompt": {
                    "type": "string",
                    "pattern": "[^\\s]"
                  }
                }
              },
              {
                "required": [
                  "keyframes"
                ],
                "properties": {
                  "keyframes": {
                    "type": "object",
                    "anyOf": [
                      {
                        "required": [
                          "frame0"
                        ],
                        "properties": {
                          "frame0": {
                            "type": "object"
                          }
                        }
                      },
                      {
                        "required": [
                          "frame1"
                        ],
                        "properties": {
                          "frame1": {
                            "type": "object"
                          }
                        }
                      }
                    ]
                  }
                }
              }
            ]
          },
          "ImageGenerationRequest": {
            "type": "object",
            "description": "Create an image (Luma's ImageGenerationRequest). The reference fields and `sync` are not supported: sending them is a 400.",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "image",
                  null
                ]
              },
              "model": {
                "$ref": "#/components/schemas/ImageModel"
              },
              "prompt": {
                "type": "string",
                "minLength": 1,
                "maxLength": 5000,
                "pattern": "[^\\s]"
              },
              "aspect_ratio": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/AspectRatio"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "format": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "jpg",
                  "png",
                  null
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "sync": {
                "type": [
                  "boolean",
                  "null"
                ],
                "enum": [
                  false,
                  null
                ]
              }
            },
            "required": [
              "model",
              "prompt"
            ]
          },
          "Media": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                "maxLength": 2048
              }
            },
            "required": [
              "url"
            ]
          },
          "UpscaleVideoGenerationRequest": {
            "type": "object",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "upscale_video",
                  null
                ]
              },
              "resolution": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k",
                  null
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            }
          },
          "AudioGenerationRequest": {
            "type": "object",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "add_audio",
                  null
                ]
              },
              "prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000
              },
              "negative_prompt": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            }
          },
          "ModifyVideoRequest": {
            "type": "object",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "modify_video",
                  null
                ]
              },
              "media": {
                "$ref": "#/components/schemas/Media"
              },
              "first_frame": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Media"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "model": {
                "const": "ray-2"
              },
              "mode": {
                "type": "string",
                "enum": [
                  "adhere_1",
                  "adhere_2",
                  "adhere_3",
                  "flex_1",
                  "flex_2",
                  "flex_3",
                  "reimagine_1",
                  "reimagine_2",
                  "reimagine_3"
                ]
              },
              "prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "media",
              "model",
              "mode"
            ]
          },
          "ReframeVideoRequest": {
            "type": "object",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "reframe_video",
                  null
                ]
              },
              "media": {
                "$ref": "#/components/schemas/Media"
              },
              "first_frame": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Media"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "model": {
                "type": "string",
                "enum": [
                  "ray-2",
                  "ray-flash-2"
                ]
              },
              "prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "grid_position_x": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "grid_position_y": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "x_start": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "x_end": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "y_start": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "y_end": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "resized_width": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "resized_height": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "media",
              "model",
              "aspect_ratio"
            ]
          },
          "ReframeImageRequest": {
            "type": "object",
            "properties": {
              "generation_type": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "reframe_image",
                  null
                ]
              },
              "media": {
                "$ref": "#/components/schemas/Media"
              },
              "model": {
                "$ref": "#/components/schemas/ImageModel"
              },
              "prompt": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 5000
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "grid_position_x": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "grid_position_y": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "x_start": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "x_end": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "y_start": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "y_end": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "resized_width": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "resized_height": {
                "type": [
                  "integer",
                  "null"
                ]
              },
              "format": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "jpg",
                  "png",
                  null
                ]
              },
              "callback_url": {
                "anyOf": [
                  {
                    "type": "string",
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+",
                    "maxLength": 2048
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "media",
              "model",
              "aspect_ratio"
            ]
          },
          "GenerationReferenceEcho": {
            "type": "object",
            "properties": {
              "type": {
                "const": "generation"
              },
              "id": {
                "type": "string",
                "format": "uuid"
              }
            },
            "required": [
              "type",
              "id"
            ],
            "additionalProperties": false
          },
          "ImageReferenceEcho": {
            "type": "object",
            "properties": {
              "type": {
                "const": "image"
              },
              "url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "type",
              "url"
            ],
            "additionalProperties": false,
            "description": "`url` is the client's http(s) URL, or the gateway's URL of its stored copy of a base64 image."
          },
          "KeyframeEcho": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/GenerationReferenceEcho"
              },
              {
                "$ref": "#/components/schemas/ImageReferenceEcho"
              }
            ]
          },
          "VideoRequestEcho": {
            "type": "object",
            "description": "A video request as accepted, defaults filled in.",
            "properties": {
              "generation_type": {
                "const": "video"
              },
              "prompt": {
                "type": "string"
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "loop": {
                "type": "boolean"
              },
              "keyframes": {
                "type": "object",
                "properties": {
                  "frame0": {
                    "$ref": "#/components/schemas/KeyframeEcho"
                  },
                  "frame1": {
                    "$ref": "#/components/schemas/KeyframeEcho"
                  }
                },
                "minProperties": 1,
                "additionalProperties": false
              },
              "callback_url": {
                "type": "string",
                "format": "uri"
              },
              "model": {
                "$ref": "#/components/schemas/VideoModel"
              },
              "resolution": {
                "type": "string",
                "enum": [
                  "540p",
                  "720p",
                  "1080p",
                  "4k"
                ]
              },
              "duration": {
                "type": "string",
                "enum": [
                  "5s",
                  "9s"
                ]
              },
              "concepts": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "object",
                  "properties": {
                    "key": {
                      "type": "string",
                      "enum": [
                        "aerial",
                        "aerial_drone",
                        "bolt_cam",
                        "crane_down",
                        "crane_up",
                        "dolly_zoom",
                        "elevator_doors",
                        "eye_level",
                        "ground_level",
                        "handheld",
                        "high_angle",
                        "low_angle",
                        "orbit_left",
                        "orbit_right",
                        "overhead",
                        "pan_left",
                        "pan_right",
                        "pedestal_down",
                        "pedestal_up",
                        "pov",
                        "pull_out",
                        "push_in",
                        "roll_left",
                        "roll_right",
                        "selfie",
                        "static",
                        "tilt_down",
                        "tilt_up",
                        "tiny_planet",
                        "truck_left",
                        "truck_right",
                        "zoom_in",
                        "zoom_out"
                      ]
                    }
                  },
                  "required": [
                    "key"
                  ],
                  "additionalProperties": false
                }
              }
            },
            "required": [
              "generation_type",
              "prompt",
              "aspect_ratio",
              "loop",
              "model",
              "duration"
            ],
            "additionalProperties": false
          },
          "ImageRequestEcho": {
            "type": "object",
            "description": "An image request as accepted, defaults filled in.",
            "properties": {
              "generation_type": {
                "const": "image"
              },
              "model": {
                "$ref": "#/components/schemas/ImageModel"
              },
              "prompt": {
                "type": "string",
                "minLength": 1
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "format": {
                "$ref": "#/components/schemas/ImageFormat"
              },
              "callback_url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "generation_type",
              "model",
              "prompt",
              "aspect_ratio",
              "format"
            ],
            "additionalProperties": false
          },
          "OperationRequestEcho": {
            "type": "object",
            "description": "An operation relayed to Luma (upscale, audio, modify, reframe): the client's body as it was relayed.",
            "properties": {
              "generation_type": {
                "type": "string",
                "enum": [
                  "upscale_video",
                  "add_audio",
                  "modify_video",
                  "reframe_video",
                  "reframe_image"
                ]
              },
              "media": {
                "type": "object",
                "properties": {
                  "url": {
                    "type": "string",
                    "format": "uri"
                  }
                },
                "additionalProperties": false
              },
              "first_frame": {
                "type": "object",
                "properties": {
                  "url": {
                    "type": "string",
                    "format": "uri"
                  }
                },
                "additionalProperties": false
              },
              "model": {
                "type": "string"
              },
              "mode": {
                "type": "string",
                "enum": [
                  "adhere_1",
                  "adhere_2",
                  "adhere_3",
                  "flex_1",
                  "flex_2",
                  "flex_3",
                  "reimagine_1",
                  "reimagine_2",
                  "reimagine_3"
                ]
              },
              "prompt": {
                "type": "string"
              },
              "negative_prompt": {
                "type": "string"
              },
              "resolution": {
                "type": "string"
              },
              "aspect_ratio": {
                "$ref": "#/components/schemas/AspectRatio"
              },
              "format": {
                "$ref": "#/components/schemas/ImageFormat"
              },
              "grid_position_x": {
                "type": "integer"
              },
              "grid_position_y": {
                "type": "integer"
              },
              "x_start": {
                "type": "integer"
              },
              "x_end": {
                "type": "integer"
              },
              "y_start": {
                "type": "integer"
              },
              "y_end": {
                "type": "integer"
              },
              "resized_width": {
                "type": "integer"
              },
              "resized_height": {
                "type": "integer"
              },
              "callback_url": {
                "type": "string",
                "format": "uri"
              }
            },
            "required": [
              "generation_type"
            ],
            "additionalProperties": false
          },
          "Assets": {
            "type": "object",
            "properties": {
              "video": {
                "type": "string",
                "format": "uri"
              },
              "image": {
                "type": "string",
                "format": "uri"
              }
            },
            "additionalProperties": false,
            "description": "Empty until the generation is completed."
          },
          "Generation": {
            "type": "object",
            "description": "Luma's Generation object. Keys the gateway has no value for are left out rather than sent as null: `failure_reason` only on failed generations; `assets` is `{}` until completed.",
            "properties": {
              "id": {
                "type": "string",
                "format": "uuid"
              },
              "generation_type": {
                "type": "string",
                "enum": [
                  "video",
                  "image"
                ]
              },
              "state": {
                "$ref": "#/components/schemas/State"
              },
              "failure_reason": {
                "type": "string",
                "minLength": 1
              },
              "created_at": {
                "type": "string",
                "format": "date-time",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                "description": "RFC 3339, UTC, with milliseconds.",
                "examples": [
                  "2024-12-24T18:01:25.319Z"
                ]
              },
              "assets": {
                "$ref": "#/components/schemas/Assets"
              },
              "model": {
                "type": "string"
              },
              "request": {
                "oneOf": [
                  {
                    "$ref": "#/components/schemas/VideoRequestEcho"
                  },
                  {
                    "$ref": "#/components/schemas/ImageRequestEcho"
                  },
                  {
                    "$ref": "#/components/schemas/OperationRequestEcho"
                  }
                ]
              }
            },
            "required": [
              "id",
              "generation_type",
              "state",
              "created_at",
              "assets",
              "request"
            ],
            "additionalProperties": false,
            "allOf": [
              {
                "if": {
                  "properties": {
                    "state": {
                      "const": "failed"
                    }
                  }
                },
                "then": {
                  "required": [
                    "failure_reason"
                  ]
                },
                "else": {
                  "not": {
                    "required": [
                      "failure_reason"
                    ]
                  }
                }
              },
              {
                "if": {
                  "properties": {
                    "state": {
                      "const": "completed"
                    }
                  }
                },
                "then": {
                  "properties": {
                    "assets": {
                      "minProperties": 1
                    }
                  }
                },
                "else": {
                  "properties": {
                    "assets": {
                      "maxProperties": 0
                    }
                  }
                }
              }
            ]
          },
          "ListGenerationResponse": {
            "type": "object",
            "properties": {
              "has_more": {
                "type": "boolean"
              },
              "count": {
                "type": "integer",
                "minimum": 0
              },
              "limit": {
                "type": "integer",
                "minimum": 1
              },
              "offset": {
                "type": "integer",
                "minimum": 0
              },
              "generations": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Generation"
                }
              }
            },
            "required": [
              "has_more",
              "count",
              "limit",
              "offset",
              "generations"
            ],
            "additionalProperties": false
          },
          "Credits": {
            "type": "object",
            "properties": {
              "credit_balance": {
                "type": "integer",
                "minimum": 0,
                "description": "Credits left (one credit is one US cent); 1000000000 for a token without a quota."
              }
            },
            "required": [
              "credit_balance"
            ],
            "additionalProperties": false
          }
        }
      }
    }
    """#

    /// The document as the response to `GET /openapi.json`.
    static var response: Response {
        .json(ByteBuffer(string: json))
    }
}
