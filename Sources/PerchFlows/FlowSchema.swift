/// The JSON Schema of flow files, for editors (yaml-language-server) and `perch schema`.
///
/// The same text is committed at `schema/flow.schema.json`, which the shipped flows reference; a
/// test keeps the two identical.
public enum FlowSchema {
    /// The schema (JSON Schema draft-07) as JSON text.
    public static let json = #"""
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "Perch flow file",
          "description": "Rules that answer Bird conversations. See docs/flow-language.md.",
          "type": "object",
          "required": ["flow", "rules"],
          "additionalProperties": false,
          "properties": {
            "flow": { "$ref": "#/definitions/identifier", "description": "The flow's id, unique in the set." },
            "description": { "type": "string" },
            "channels": {
              "$ref": "#/definitions/stringOrList",
              "description": "Default scope of every rule: platform names (whatsapp, sms, ...) or channel ids."
            },
            "match": { "$ref": "#/definitions/matchMode" },
            "participant_id": { "type": "string", "description": "Participant id to answer as (overrides BIRD_FLOW_ID)." },
            "calendars": {
              "type": "object",
              "additionalProperties": { "$ref": "#/definitions/calendar" }
            },
            "rules": { "type": "array", "items": { "$ref": "#/definitions/rule" } }
          },
          "definitions": {
            "identifier": { "type": "string", "pattern": "^[^/\\s]+$" },
            "stringOrList": {
              "oneOf": [
                { "type": ["string", "number", "boolean"] },
                { "type": "array", "minItems": 1, "items": { "type": ["string", "number", "boolean"] } }
              ]
            },
            "duration": {
              "type": "string",
              "pattern": "^([0-9]+(ms|s|m|h|d|w))+$",
              "description": "Like 30s, 10m, 2h, 1d or 1h30m."
            },
            "template": {
              "type": ["string", "number", "boolean"],
              "description": "Text with {{ variables }}, e.g. {{ contact.name | default: 'there' }}."
            },
            "matchMode": { "enum": ["phrase", "exact", "prefix", "contains", "regex"] },
            "calendar": {
              "type": "object",
              "required": ["timezone", "weekly"],
              "additionalProperties": false,
              "properties": {
                "timezone": { "type": "string", "description": "IANA time zone, e.g. Europe/Amsterdam." },
                "weekly": {
                  "type": "object",
                  "description": "Day or day range (mon-fri) to \"09:00-17:30\", a list of ranges, or closed.",
                  "additionalProperties": {
                    "oneOf": [
                      { "type": "string" },
                      { "type": "array", "items": { "type": "string" } }
                    ]
                  }
                },
                "closed": {
                  "type": "array",
                  "items": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
                }
              }
            },
            "rule": {
              "type": "object",
              "required": ["id", "when"],
              "additionalProperties": false,
              "properties": {
                "id": { "$ref": "#/definitions/identifier" },
                "description": { "type": "string" },
                "when": { "$ref": "#/definitions/conditions" },
                "match": { "$ref": "#/definitions/matchMode" },
                "continue": { "type": "boolean" },
                "cooldown": { "$ref": "#/definitions/duration" },
                "once_per_conversation": { "type": "boolean" },
                "do": {
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "oneOf": [
                      { "const": "stop" },
                      { "$ref": "#/definitions/actionStep" }
                    ]
                  }
                },
                "reply": { "$ref": "#/definitions/reply" },
                "send_template": { "$ref": "#/definitions/sendTemplate" },
                "update_conversation": { "$ref": "#/definitions/updateConversation" },
                "handoff": { "$ref": "#/definitions/handoff" },
                "set_state": { "$ref": "#/definitions/setState" },
                "http": { "$ref": "#/definitions/http" },
                "stop": { "const": true }
              }
            },
            "conditions": {
              "type": "object",
              "additionalProperties": false,
              "minProperties": 1,
              "properties": {
                "event": { "$ref": "#/definitions/stringOrList", "description": "message (default), conversation, voice_call, sms_status, any, or an event name like conversation.created." },
                "direction": { "enum": ["incoming", "outgoing", "any"] },
                "channel": { "$ref": "#/definitions/stringOrList" },
                "conversation_status": { "$ref": "#/definitions/stringOrList" },
                "message_type": { "$ref": "#/definitions/stringOrList" },
                "keywords": {
                  "oneOf": [
                    { "$ref": "#/definitions/stringOrList" },
                    {
                      "type": "object",
                      "additionalProperties": false,
                      "minProperties": 1,
                      "properties": {
                        "any": { "$ref": "#/definitions/stringOrList" },
                        "all": { "$ref": "#/definitions/stringOrList" },
                        "none": { "$ref": "#/definitions/stringOrList" }
                      }
                    }
                  ]
                },
                "text": { "$ref": "#/definitions/stringOrList" },
                "regex": { "type": "string" },
                "first_message": { "type": "boolean" },
                "business_hours": {
                  "oneOf": [
                    { "type": "string" },
                    {
                      "type": "object",
                      "required": ["calendar"],
                      "additionalProperties": false,
                      "properties": {
                        "calendar": { "type": "string" },
                        "is": { "enum": ["open", "closed"] }
                      }
                    }
                  ]
                },
                "state": {
                  "oneOf": [
                    { "type": ["string", "number", "null"] },
                    { "type": "array", "items": { "type": ["string", "number", "null"] } }
                  ]
                },
                "attributes": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "contact": { "$ref": "#/definitions/attributeTests" },
                    "conversation": { "$ref": "#/definitions/attributeTests" }
                  }
                },
                "otherwise": { "const": true },
                "any": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/conditions" } },
                "all": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/conditions" } },
                "not": { "$ref": "#/definitions/conditions" }
              }
            },
            "attributeTests": {
              "type": "object",
              "additionalProperties": {
                "oneOf": [
                  { "type": ["string", "number", "boolean", "null"] },
                  { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
                ]
              }
            },
            "actionStep": {
              "type": "object",
              "minProperties": 1,
              "maxProperties": 1,
              "additionalProperties": false,
              "properties": {
                "reply": { "$ref": "#/definitions/reply" },
                "send_template": { "$ref": "#/definitions/sendTemplate" },
                "update_conversation": { "$ref": "#/definitions/updateConversation" },
                "handoff": { "$ref": "#/definitions/handoff" },
                "set_state": { "$ref": "#/definitions/setState" },
                "http": { "$ref": "#/definitions/http" },
                "stop": { "const": true }
              }
            },
            "reply": {
              "oneOf": [
                { "$ref": "#/definitions/template" },
                {
                  "type": "object",
                  "required": ["text"],
                  "additionalProperties": false,
                  "properties": {
                    "text": { "$ref": "#/definitions/template" },
                    "buttons": { "type": "array", "maxItems": 10, "items": { "type": ["string", "number"] } },
                    "fallback_template": { "$ref": "#/definitions/sendTemplate" }
                  }
                }
              ]
            },
            "sendTemplate": {
              "oneOf": [
                {
                  "type": "object",
                  "required": ["project", "locale"],
                  "additionalProperties": false,
                  "properties": {
                    "project": { "type": "string" },
                    "version": { "type": "string" },
                    "locale": { "type": "string" },
                    "parameters": { "type": "object", "additionalProperties": { "$ref": "#/definitions/template" } }
                  }
                },
                {
                  "type": "object",
                  "required": ["namespace", "name", "language"],
                  "additionalProperties": false,
                  "properties": {
                    "namespace": { "type": "string" },
                    "name": { "type": "string" },
                    "language": { "type": "string" },
                    "params": { "type": "array", "items": { "$ref": "#/definitions/template" } }
                  }
                }
              ]
            },
            "updateConversation": {
              "type": "object",
              "minProperties": 1,
              "additionalProperties": false,
              "properties": {
                "status": { "enum": ["active", "archived", "closed"] },
                "name": { "$ref": "#/definitions/template" },
                "attributes": { "type": "object", "additionalProperties": { "$ref": "#/definitions/template" } }
              }
            },
            "handoff": {
              "oneOf": [
                { "type": "string", "description": "The team." },
                {
                  "type": "object",
                  "additionalProperties": false,
                  "anyOf": [{ "required": ["team"] }, { "required": ["agent"] }],
                  "properties": {
                    "team": { "type": "string" },
                    "agent": { "type": "string" },
                    "note": { "$ref": "#/definitions/template" }
                  }
                }
              ]
            },
            "setState": {
              "oneOf": [
                { "type": ["string", "number", "null"] },
                {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "name": { "type": ["string", "number", "null"] },
                    "expiry": { "$ref": "#/definitions/duration" }
                  }
                }
              ]
            },
            "http": {
              "type": "object",
              "required": ["url"],
              "additionalProperties": false,
              "properties": {
                "url": { "type": "string", "pattern": "^https?://" },
                "method": { "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post", "put", "patch", "delete"] },
                "headers": { "type": "object", "additionalProperties": { "type": "string" } },
                "body": {},
                "timeout": { "$ref": "#/definitions/duration" }
              }
            }
          }
        }
        """#
}
