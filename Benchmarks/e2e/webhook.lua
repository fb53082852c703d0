-- wrk script: every request is a fresh, validly signed legacy Conversations webhook
-- (message.created, ~750 bytes) for POST /webhooks/messagebird, signed with the legacy
-- `MessageBird-Signature` scheme: base64(HMAC-SHA256(key, timestamp "\n" sortedQuery "\n" sha256(body))),
-- computed per request through LuaJIT's ffi and libcrypto (wrk's Lua has no HMAC of its own).
--
-- The message id carries the send time: 16 hex digits of CLOCK_REALTIME microseconds, 8 of the
-- wrk thread, 8 of a per-thread counter. Perch puts the message id into the reply's `trackId`
-- (perch:messagebird:message.created:<message id>:received:<rule>:0), so the benchmark sink
-- (E2EBench) maps each reply back to the moment its webhook was sent.
--
-- Environment:
--   BENCH_KEY            signing key (MESSAGEBIRD_SIGNING_KEY of the server); required
--   BENCH_CONVERSATIONS  number of distinct conversation ids to cycle through; 0 = a new one per request
--   BENCH_RATE           total requests/s to aim at (all threads and connections); 0 or unset = as fast as possible
--   BENCH_CONNECTIONS    the -c given to wrk (needed to pace BENCH_RATE)
--   BENCH_TEXT           message text (default "Hello, what are your opening hours?")
--   BENCH_MAX_REQUESTS   stop after about this many answers in all (each thread its share; the
--                        requests in flight when a thread stops still count); 0 or unset = no limit
--   BENCH_STOP_MARKER    with BENCH_MAX_REQUESTS: each thread creates the file <this>.<thread> when it stops
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md);
const void *EVP_sha256(void);
unsigned char *HMAC(const void *evp_md, const void *key, int key_len, const unsigned char *d, size_t n,
                    unsigned char *md, unsigned int *md_len);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]]
local ok, crypto = pcall(ffi.load, "crypto")
if not ok then crypto = ffi.load("libcrypto.so.3") end

local key = os.getenv("BENCH_KEY") or error("BENCH_KEY is not set")
local conversations = tonumber(os.getenv("BENCH_CONVERSATIONS") or "10000")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "64")
local text = os.getenv("BENCH_TEXT") or "Hello, what are your opening hours?"
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")

local threads = {}
local thread_count = 0
function setup(thread)
    thread_count = thread_count + 1
    thread:set("thread_id", thread_count)
    -- a per-run nonce, so that distinct conversation ids stay distinct across wrk runs
    thread:set("nonce", math.floor(os.time() % 65536) * 256 + thread_count)
    thread:set("thread_count_total", tonumber(os.getenv("BENCH_THREADS") or "2"))
    table.insert(threads, thread)
end

local ts = ffi.new("bench_timespec")
local digest = ffi.new("unsigned char[32]")
local mac = ffi.new("unsigned char[32]")
local maclen = ffi.new("unsigned int[1]")
local b64 = ffi.new("unsigned char[64]")
local sha256 = crypto.EVP_sha256()
local counter = 0

local function now_us()
    ffi.C.clock_gettime(0, ts)
    return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local function hex64(n)
    return string.format("%08x%08x", math.floor(n / 4294967296), n % 4294967296)
end

function init(args)
    math.randomseed((thread_id or 1) * 7919 + os.time())
end

local head = '{"type":"message.created","contact":{"id":"9354647c5c1a4cd2a6a2f2a1c7e1a4b0","msisdn":31612345678,'
    .. '"displayName":"Jane Example"},"conversation":{"id":"'
-- The times are the send time: a message older than WhatsApp's 24-hour window gets no reply.
local mid1a = '","contactId":"9354647c5c1a4cd2a6a2f2a1c7e1a4b0","status":"active","createdDatetime":"'
local mid1b = '","updatedDatetime":"'
local mid1c = '","lastUsedChannelId":"619747f69cf940a98fb443140ce9aed2"},"message":{"id":"'
local mid2 = '","conversationId":"'
local tail1 = '","platform":"whatsapp","to":"+31687654321","from":"+31612345678",'
    .. '"channelId":"619747f69cf940a98fb443140ce9aed2","type":"text","content":{"text":"'
local tail2 = '"},"direction":"received","status":"received","createdDatetime":"'
local tail3 = '"}}'

function request()
    counter = counter + 1
    local sent = now_us()
    local message_id = hex64(sent) .. string.format("%08x%08x", thread_id or 1, counter)
    local conversation_id
    if conversations > 0 then
        conversation_id = string.format("c%031d", (counter * 2 + (thread_id or 1)) % conversations)
    else
        conversation_id = string.format("d%015x%016d", nonce or 0, counter)
    end
    local created = os.date("!%Y-%m-%dT%H:%M:%SZ")
    local body = head .. conversation_id .. mid1a .. created .. mid1b .. created .. mid1c .. message_id .. mid2
        .. conversation_id .. tail1 .. text .. tail2 .. created .. tail3
    local timestamp = tostring(os.time())
    crypto.SHA256(body, #body, digest)
    local signed = timestamp .. "\n\n" .. ffi.string(digest, 32)
    crypto.HMAC(sha256, key, #key, signed, #signed, mac, maclen)
    local n = crypto.EVP_EncodeBlock(b64, mac, 32)
    local headers = {
        ["Content-Type"] = "application/json",
        ["MessageBird-Request-Timestamp"] = timestamp,
        ["MessageBird-Signature"] = ffi.string(b64, n),
    }
    return wrk.format("POST", "/webhooks/messagebird", headers, body)
end

if rate > 0 then
    -- Each connection waits connections/rate seconds after an answer before its next request
    -- (randomised around the mean so that connections do not move in lock-step). The achieved
    -- rate is a little below BENCH_RATE by the response time; the run reports the achieved rate.
    local interval_ms = connections * 1000 / rate
    function delay()
        return math.floor(interval_ms * (0.5 + math.random()) + 0.5)
    end
end

if max_requests > 0 then
    local answered = 0
    local stopped = false
    function response(status, headers, body)
        answered = answered + 1
        if answered * thread_count_total >= max_requests and not stopped then
            stopped = true
            wrk.thread:stop()
            -- wrk itself runs out its -d; the caller may wait for these files and interrupt it.
            local marker = os.getenv("BENCH_STOP_MARKER")
            if marker then
                local file = io.open(marker .. "." .. tostring(thread_id), "w")
                if file then file:close() end
            end
        end
    end
end
