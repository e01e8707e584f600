/**
 * The Redis queue's operations, each one Lua script (one round trip, atomic). Keys
 * live under the prefix given as ARGV[1]:
 *   e            hash   userId → stored entry (JSON; `p` paused, `c` claimed)
 *   b:<bucket>   zset   userId by enqueue time, one per compatibility bucket ("all" holds every waiting entry,
 *                       "<pool>|all" every entry of one pool; the others are named "<pool>|<bucket>"; one
 *                       who asks nothing of language and interests is in three: all, <pool>|all, <pool>|plain)
 *   exp          zset   userId by lease expiry (a sweep reads only what expired)
 *   claimed      zset   userId by hand-off deadline
 *   avoid:<id>   set    users `id` must not meet (recent partner, blocks), with an expiry; an entry
 *                       whose set may exist is stored with `a`, so the matcher reads only sets that exist
 * A newcomer claimed by its own enqueue is written nowhere: its user is connected to the process
 * that enqueued it, which holds the claim until the hand-off (a release writes the entry then), and
 * whose death ends the user's lobby connection too. The claim comes back flagged `f`.
 * Bucket and avoid keys are computed in the script: fine on one Redis, not on Redis Cluster.
 */

const common = `
local P = ARGV[1]
local READ_AHEAD = 4
-- Users claimed by this run of the script: a record in hand may predate its claim.
local taken = {}
-- Newcomers of this run not in their buckets yet (see enqueue), by id and in order.
local unindexed, unindexedOrder = {}, {}
local E, EXP, CLAIMED = P .. 'e', P .. 'exp', P .. 'claimed'
local function bucket(name) return P .. 'b:' .. name end
local function avoidKey(id) return P .. 'avoid:' .. id end
local function load(id)
  local raw = redis.call('HGET', E, id)
  if raw then return cjson.decode(raw) end
  return nil
end
local function save(id, rec) redis.call('HSET', E, id, cjson.encode(rec)) end
local function index(id, rec) for _, b in ipairs(rec.b) do redis.call('ZADD', bucket(b), rec.e.since, id) end end
local function unindex(id, rec) for _, b in ipairs(rec.b) do redis.call('ZREM', bucket(b), id) end end
-- A claimed or paused entry is out of its buckets already.
local function drop(id, rec)
  if rec and not rec.c and not rec.p then unindex(id, rec) end
  redis.call('HDEL', E, id)
  redis.call('ZREM', EXP, id)
  if not rec or rec.c then redis.call('ZREM', CLAIMED, id) end
  if not rec or rec.a then redis.call('DEL', avoidKey(id)) end
end
local function keepAvoid(id, ttl)
  if redis.call('PTTL', avoidKey(id)) < ttl then redis.call('PEXPIRE', avoidKey(id), ttl) end
end
-- Back in the queue, in its place.
local function unclaim(id)
  redis.call('ZREM', CLAIMED, id)
  local rec = load(id)
  if not rec or not rec.c then return end
  rec.c = nil
  save(id, rec)
  if not rec.p then index(id, rec) end
end

local function countryWanted(w, o)
  local c = w.preferences.country
  return c == nil or c == o.country
end
local function preferencesMatch(a, b)
  local la, lb = a.preferences.language, b.preferences.language
  if la and lb and la ~= lb then return false end
  if not countryWanted(a, b) or not countryWanted(b, a) then return false end
  local ia, ib = a.preferences.interests or {}, b.preferences.interests or {}
  if #ia == 0 or #ib == 0 then return true end
  for _, x in ipairs(ia) do for _, y in ipairs(ib) do if x == y then return true end end end
  return false
end

-- Serves one entry: the best candidate of its smallest bucket group (and of the
-- widened, once it has widened); claims both. Returns the partner's id and record.
-- Best: preferences that match before widening allows; for a newcomer, someone
-- already waiting (the longest-waiting, who is served first) before someone of the
-- same batch; among equally good others, one at random.
local function serve(id, rec, now, widen, window, claimMs, fresh)
  -- The smallest group is looked for only when there is a choice (one who asks nothing has one group).
  local group, smallest = rec.s[1], nil
  if #rec.s > 1 then
    for _, g in ipairs(rec.s) do
      local size = 0
      for _, b in ipairs(g) do size = size + redis.call('ZCARD', bucket(b)) end
      if smallest == nil or size < smallest then group, smallest = g, size end
    end
  end
  local widened = now - rec.e.since >= widen
  local seen = { [id] = true }
  local newcomer = fresh[id] ~= nil
  local best, bestRec, bestRank, ties = nil, nil, 9, 0
  -- Avoid sets are read only for a candidate about to become the best: a pass over a
  -- crowd of equals costs two SISMEMBER per pick, not per candidate. An avoided
  -- candidate that lost the draw still counts as a tie (a slight bias, never a wrong pair).
  local function allowed(cid, c)
    return not (rec.a and redis.call('SISMEMBER', avoidKey(id), cid) == 1)
      and not (c.a and redis.call('SISMEMBER', avoidKey(cid), id) == 1)
  end
  local function consider(cid, c)
    if not c then return end
    if c.c or c.p or c.e.pool ~= rec.e.pool then return end
    local rank
    if preferencesMatch(rec.e, c.e) then rank = 2
    elseif widened and now - c.e.since >= widen then rank = 4
    else return end
    if fresh[cid] then rank = rank + 1 end
    if rank > bestRank then return end
    if rank < bestRank then
      if allowed(cid, c) then best, bestRec, bestRank, ties = cid, c, rank, 1 end
    elseif newcomer and not fresh[cid] then
      if c.e.since < bestRec.e.since and allowed(cid, c) then best, bestRec = cid, c end
    else
      ties = ties + 1
      if math.random(ties) == 1 then
        if allowed(cid, c) then best, bestRec = cid, c else ties = ties - 1 end
      end
    end
  end
  -- Buckets are ordered by waiting time: once a newcomer holds a matching partner who was
  -- already waiting (the best rank), nobody later in the bucket can beat them, so a burst
  -- reads one or two entries per pick instead of the whole window. Entries are read a
  -- few at a time (one HMGET each): a long scan costs a few commands, a short one one.
  local function scan(ids)
    local k = 1
    while k <= #ids do
      local chunk, scores = {}, {}
      while k <= #ids and #chunk < READ_AHEAD do
        if not seen[ids[k]] then
          seen[ids[k]] = true
          chunk[#chunk + 1], scores[#chunk + 1] = ids[k], tonumber(ids[k + 1])
        end
        k = k + 2
      end
      if #chunk > 0 then
        local raws = redis.call('HMGET', E, unpack(chunk))
        for j = 1, #chunk do
          if newcomer and bestRank == 2 and scores[j] >= bestRec.e.since then return end
          consider(chunk[j], raws[j] and cjson.decode(raws[j]))
        end
      end
    end
  end
  for _, b in ipairs(group) do scan(redis.call('ZRANGE', bucket(b), 0, window - 1, 'WITHSCORES')) end
  if widened then
    scan(redis.call('ZRANGEBYSCORE', bucket(rec.e.pool .. '|all'), '-inf', now - widen, 'WITHSCORES', 'LIMIT', 0, window))
  end
  -- Newcomers of this run are in no bucket yet: each is looked at in hand, as one of the same batch.
  for _, cid in ipairs(unindexedOrder) do
    if not seen[cid] and not taken[cid] then
      seen[cid] = true
      consider(cid, unindexed[cid])
    end
  end
  if not best then return nil end
  for _, pair in ipairs({ { id, rec }, { best, bestRec } }) do
    taken[pair[1]] = true
    if not unindexed[pair[1]] then
      unindex(pair[1], pair[2])
      pair[2].c = 1
      save(pair[1], pair[2])
      redis.call('ZADD', CLAIMED, now + claimMs, pair[1])
    end
  end
  return best, bestRec
end

local function claimOf(id, rec)
  return cjson.encode({ e = rec.e, a = rec.a, f = unindexed[id] and 1 or nil })
end

-- Serves each id in turn; returns the claimed pairs, flat, each as JSON { e = entry, a = 1 if its
-- avoid set may exist, f = 1 if it is a newcomer not stored (its process holds the claim) }.
-- \`known\` holds the records the caller has in hand (newcomers): they are not read again.
local function serveAll(ids, now, widen, window, claimMs, fresh, known)
  local found = {}
  for _, id in ipairs(ids) do
    local rec = (known and known[id]) or load(id)
    if rec and not rec.c and not rec.p and not taken[id] then
      local partnerId, partner = serve(id, rec, now, widen, window, claimMs, fresh or {})
      if partnerId then
        table.insert(found, claimOf(id, rec))
        table.insert(found, claimOf(partnerId, partner))
      end
    end
  end
  return found
end
`;

/** ARGV: prefix, now, widenMs, leaseMs, claimMs, window, seed, count, then per entry: userId, stored JSON, avoid count, avoid ids… */
const enqueue = `
local now, widen, lease, claimMs, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
math.randomseed(tonumber(ARGV[7]))
-- Newcomers are served before they are stored and indexed, each one looking at those
-- waiting and at the others of its batch (in hand): one paired at once is never stored;
-- the others are stored and indexed at the end.
local statuses, isFresh, i = {}, {}, 9
for n = 1, tonumber(ARGV[8]) do
  local id, raw, avoidCount = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local rec = cjson.decode(raw)
  local held = unindexed[id] or load(id)
  if held then
    statuses[n] = (held.e.sessionId == rec.e.sessionId) and 'queued' or 'busy'
  else
    for k = 1, avoidCount do redis.call('SADD', avoidKey(id), ARGV[i + 2 + k]) end
    if avoidCount > 0 then keepAvoid(id, 2 * lease) end
    if avoidCount > 0 or redis.call('EXISTS', avoidKey(id)) == 1 then rec.a = 1 end
    unindexed[id] = rec
    table.insert(unindexedOrder, id)
    statuses[n] = 'queued'
    isFresh[id] = true
  end
  i = i + 3 + avoidCount
end
local found = serveAll(unindexedOrder, now, widen, window, claimMs, isFresh, unindexed)
for _, id in ipairs(unindexedOrder) do
  if not taken[id] then
    save(id, unindexed[id])
    index(id, unindexed[id])
    redis.call('ZADD', EXP, now + lease, id)
  end
end
return { statuses, found, redis.call('HLEN', E) }
`;

/** ARGV: prefix, userId, sessionId */
const cancel = `
local rec = load(ARGV[2])
if not rec or rec.e.sessionId ~= ARGV[3] or rec.c then return 0 end
drop(ARGV[2], rec)
return 1
`;

/** ARGV: prefix, userId, sessionId */
const pause = `
local rec = load(ARGV[2])
if not rec or rec.e.sessionId ~= ARGV[3] then return 'absent' end
if rec.c then return 'claimed' end
unindex(ARGV[2], rec)
rec.p = 1
save(ARGV[2], rec)
return 'paused'
`;

/** ARGV: prefix, userId, sessionId, now, widenMs, leaseMs, claimMs, window, seed */
const resume = `
local id, now, widen, lease, claimMs, window = ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
math.randomseed(tonumber(ARGV[9]))
local rec = load(id)
if not rec or rec.e.sessionId ~= ARGV[3] then return { 'absent', {} } end
if rec.c then return { 'claimed', {} } end
if rec.p then
  rec.p = nil
  save(id, rec)
  index(id, rec)
  redis.call('ZADD', EXP, now + lease, id)
end
return { 'queued', serveAll({ id }, now, widen, window, claimMs) }
`;

/** ARGV: prefix, now, widenMs, claimMs, window, seed, limit */
const matchWaiting = `
local now, widen, claimMs, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
math.randomseed(tonumber(ARGV[6]))
local heads = redis.call('ZRANGEBYSCORE', bucket('all'), '-inf', now - widen, 'LIMIT', 0, tonumber(ARGV[7]))
return serveAll(heads, now, widen, window, claimMs)
`;

/**
 * ARGV: prefix, then per user: id, whether its avoid set may exist ('1', '0', or '?': not known;
 * 'd': a newcomer never stored, whose avoid set is all there is to delete).
 * A user is claimed exactly while in the claimed set, so a known one's record is not read.
 */
const confirm = `
for i = 2, #ARGV, 2 do
  local id, avoids = ARGV[i], ARGV[i + 1]
  if avoids == 'd' then
    redis.call('DEL', avoidKey(id))
  elseif avoids == '?' then
    local rec = load(id)
    if rec and rec.c then drop(id, rec) end
  elseif redis.call('ZREM', CLAIMED, id) == 1 then
    redis.call('HDEL', E, id)
    redis.call('ZREM', EXP, id)
    if avoids == '1' then redis.call('DEL', avoidKey(id)) end
  end
end
return 1
`;

/**
 * ARGV: prefix, leaseMs, now, then per user: id, and '' for a stored claim or the stored JSON
 * of a newcomer its process held (written now, in its place, unless its user queued again meanwhile).
 */
const release = `
local lease, now = tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, #ARGV, 2 do
  local id, raw = ARGV[i], ARGV[i + 1]
  if raw == '' then
    unclaim(id)
  elseif not load(id) then
    local rec = cjson.decode(raw)
    save(id, rec)
    index(id, rec)
    redis.call('ZADD', EXP, now + lease, id)
  end
end
return 1
`;

/** ARGV: prefix, a, b, ttlMs, add (1) or remove (0) */
const avoid = `
local a, b, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
if ARGV[5] == '1' then
  for _, pair in ipairs({ { a, b }, { b, a } }) do
    redis.call('SADD', avoidKey(pair[1]), pair[2])
    keepAvoid(pair[1], ttl)
    local rec = load(pair[1])
    if rec and not rec.a then
      rec.a = 1
      save(pair[1], rec)
    end
  end
else
  redis.call('SREM', avoidKey(a), b)
  redis.call('SREM', avoidKey(b), a)
end
return 1
`;

/** ARGV: prefix, now, leaseMs, userIds…; returns the ids no longer in the queue. */
const renew = `
local now, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
local gone = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  if redis.call('HEXISTS', E, id) == 1 then
    redis.call('ZADD', EXP, now + lease, id)
    if redis.call('EXISTS', avoidKey(id)) == 1 then keepAvoid(id, 2 * lease) end
  else
    table.insert(gone, id)
  end
end
return gone
`;

/** ARGV: prefix, now, limit; returns how many entries expired and how many claims went back. */
const sweep = `
local now, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', EXP, '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do drop(id, load(id)) end
local late = redis.call('ZRANGEBYSCORE', CLAIMED, '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(late) do unclaim(id) end
return { #expired, #late }
`;

/** ARGV: prefix, offset, limit, exceptId ('' for none); returns the total, then the stored entries. */
const page = `
local offset, limit, except = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local total = redis.call('ZCARD', bucket('all'))
local skipped = except ~= '' and redis.call('ZRANK', bucket('all'), except) or false
if skipped then
  total = total - 1
  if skipped <= offset then offset = offset + 1 end
end
local ids = {}
for _, id in ipairs(redis.call('ZRANGE', bucket('all'), offset, offset + limit)) do
  if id ~= except and #ids < limit then table.insert(ids, id) end
end
if #ids == 0 then return { total } end
local found = redis.call('HMGET', E, unpack(ids))
table.insert(found, 1, total)
return found
`;

export const queueScripts = {
  mqEnqueue: enqueue,
  mqCancel: cancel,
  mqPause: pause,
  mqResume: resume,
  mqMatchWaiting: matchWaiting,
  mqConfirm: confirm,
  mqRelease: release,
  mqAvoid: avoid,
  mqRenew: renew,
  mqSweep: sweep,
  mqPage: page,
} as const;

export const scriptSource = (body: string) => common + body;
