-- A check of the C library under Lua 5.4 (Lua's own test suite is not in Debian's source): errors
-- (setjmp/longjmp), stdio (files in /tmp, formats), time (os.time/os.date on fixed times,
-- os.clock), math (libm through the math library), strings, tables, coroutines, the collector.
-- Its output must be byte-identical to the same script under the native lua.
local out = {}
local function say(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end print(table.concat(t, " ")) end

-- errors: error/pcall/xpcall cross the C stack with longjmp
say("pcall", pcall(error, "boom"))
say("pcall table", select(2, pcall(error, {code = 7})).code)
say("xpcall", xpcall(function() local x = nil; return x.y end, function(m) return "handled: " .. m end))
local depth = 0
local function deep(n) depth = n; if n == 0 then error("bottom") end return deep(n - 1) + 1 end
say("deep", pcall(deep, 100), depth)
say("error object", pcall(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end))
say("string to number error", pcall(function() return 1 + {} end))

-- stdio: write, seek, read back in several ways
local name = os.getenv("LUA_TMP") or "/tmp/lua-check.txt"
local f = assert(io.open(name, "w"))
for i = 1, 100 do f:write(string.format("%3d %08.3f %s\n", i, i / 7, string.rep("x", i % 13))) end
f:close()
f = assert(io.open(name, "r"))
local lines, bytes = 0, 0
for l in f:lines() do lines = lines + 1; bytes = bytes + #l + 1 end
say("lines", lines, bytes, f:seek("end"))
f:seek("set", 4)
say("read", f:read(8), f:read("n"), f:read("l"))
f:close()
f = assert(io.open(name, "a+")); f:write("tail\n"); f:seek("set"); local all = f:read("a"); f:close()
say("append", #all, all:sub(-5, -2))
say("remove", os.remove(name), io.open(name) == nil)
say("missing", io.open("/no/such/file"))

-- time: fixed times through the C library (UTC), the clock advances
local t = os.time({year = 2024, month = 2, day = 29, hour = 12, min = 30, sec = 15})
say("os.time", t ~= nil, os.date("!%Y-%m-%d %H:%M:%S %j %a %b", 1709209815))
say("os.date table", os.date("!*t", 0).year, os.date("!*t", 86400 * 365).yday)
say("now", os.time() > 1600000000)
local c0 = os.clock(); local s = 0; for i = 1, 200000 do s = s + i end
say("clock", os.clock() >= c0, s)

-- math
for _, x in ipairs({0.5, 1, 2, 10, 1e-3, 123.456}) do
  -- sqrt is exact in IEEE arithmetic; the others to 15 digits: newlib's libm and glibc's differ
  -- in the last bit at times (exp(1): ...455 against glibc's correctly rounded ...451).
  say(string.format("math %.17g %.17g %.15g %.15g %.15g %.15g %.15g", x, math.sqrt(x), math.sin(x),
    math.cos(x), math.exp(x), math.log(x), math.atan(x, 2)))
end
say("int", math.maxinteger, math.mininteger, 7 // 2, -7 // 2, 7 % -3, 2^53, math.tointeger(3.0))
say("fmt", string.format("%g %e %a %.0f %5.2f %x %q", 1e20, 12345.678, 1.0, 2.5, math.pi, 255, "a\nb"))
say("tonumber", tonumber("0x1p4"), tonumber("  12  "), tonumber("1e400"), tonumber("z", 36))
math.randomseed(42); local r = {} for i = 1, 5 do r[i] = math.random(1, 1000) end
say("random", table.concat(r, ","))

-- strings and tables
say("gsub", ("hello world from lua"):gsub("(%w+)", "<%1>"))
say("find", ("key = value"):find("(%w+)%s*=%s*(%w+)"))
local words = {} for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words); say("sort", table.concat(words, " "))
say("pack", #string.pack("i4d", 1, 2.0), string.unpack("<i4", string.pack("<i4", -2)))
say("utf8", utf8.char(72, 228, 8364, 128512), utf8.len("häé"))

-- coroutines, closures, the collector
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
say("coroutine", gen(), gen(), gen())
local big = {} for i = 1, 100000 do big[i] = {i} end
big = nil; collectgarbage(); say("gc", collectgarbage("count") < 1000)

-- a little work: a sieve and string building
local n, sieve, count = 200000, {}, 0
for i = 2, n do if not sieve[i] then count = count + 1; for j = i * i, n, i do sieve[j] = true end end end
local parts = {} for i = 1, 10000 do parts[#parts + 1] = tostring(i) end
say("work", count, #table.concat(parts))
