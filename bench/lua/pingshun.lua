-- pingshun.lua — Pingshun 2026 (policies/pingshun-2026.pol) in Lua 5.4, what a service
-- would embed instead of polc: the same rules as bench/hand/pingshun.c, decision for
-- decision.  Integers only (Lua 5.4 integer subtype): money in fen, dates as day numbers
-- since 1970-01-01.  Clauses: "二、2" 缴费标准 and its 温馨提示, "二、3" 征收期限.
--
-- The chunk returns quote(birth, ids, grade, lapsed, registered, paid_normal, paid_on) returns
--   payable, category, matched, subsidized, window, refusal,
--   individual, medical_assistance, disability_fund, local_finance, start, end, wait
-- ids and matched are bit sets (identities in the prelude's order, categories in file
-- order); registered is nil when not given (the payment date); window is -1 for none.

local function ymd(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local DIM = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local function days_in_month(y, m)
  if m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) then return 29 end
  return DIM[m]
end

-- y-m-d + n months, clamped to the end of a shorter month
local function add_months(y, m, d, n)
  local idx = y * 12 + (m - 1) + n
  local ny, nm = idx // 12, idx % 12 + 1
  local dim = days_in_month(ny, nm)
  return ymd(ny, nm, d < dim and d or dim)
end

local COLLECTION_OPEN, MAIN_END = ymd(2025, 10, 17), ymd(2025, 12, 31)
local YEAR_START, EXTENDED_END = ymd(2026, 1, 1), ymd(2026, 2, 25)
local YEAR_END, PREV_YEAR_START = ymd(2026, 12, 31), ymd(2025, 1, 1)
local NO_DATE = -2147483648 -- INT32_MIN: the none of a refused answer's dates
local INFANT_BORN_FROM = ymd(2023, 1, 1)

-- identity bits (prelude order)
local ID_EXTREME, ID_SUBSISTENCE, ID_RETURNED, ID_UNSTABLE = 1, 2, 4, 8
local ID_MARGINAL, ID_SUDDEN, ID_STABLE = 16, 32, 64
-- categories (file order)
local ORDINARY, STABLE, EXTREME, SUBSISTENCE, RETURNED = 0, 1, 2, 3, 4
local UNSTABLE, MARGINAL, SUDDEN, SEVERE_DISABILITY, INFANT = 5, 6, 7, 8, 9
-- refusals (bench/hand/pingshun.h ps_refusal)
local OK, REF_DAYS, REF_BEFORE, REF_AFTER, REF_WAIT_PAST, REF_NORMAL_FINAL, REF_UNBORN =
  0, 1, 2, 3, 4, 5, 6
local YUAN = 100

local function quote(birth, ids, grade, lapsed, registered, paid_normal, paid_on)
  if registered == nil then registered = paid_on end -- registered_on defaults to paid_on
  local py, pm, pd = civil(paid_on)

  -- lets
  local born_in_benefit_year = birth >= YEAR_START and birth <= YEAR_END
  local born_prev_year = birth >= PREV_YEAR_START and birth < YEAR_START
  -- 出生后90天内: last day birth + 90; lifts the period's end and 1-25, not its start
  local newborn_90 = paid_on >= birth and paid_on <= birth + 90 and paid_on >= COLLECTION_OPEN
    and (born_in_benefit_year or born_prev_year)

  -- categories (二、2 缴费标准)
  local matched = 0
  if ids & ID_STABLE ~= 0 then matched = matched | (1 << STABLE) end
  if ids & ID_EXTREME ~= 0 then matched = matched | (1 << EXTREME) end
  if ids & ID_SUBSISTENCE ~= 0 then matched = matched | (1 << SUBSISTENCE) end
  if ids & ID_RETURNED ~= 0 then matched = matched | (1 << RETURNED) end
  if ids & ID_UNSTABLE ~= 0 then matched = matched | (1 << UNSTABLE) end
  if ids & ID_MARGINAL ~= 0 then matched = matched | (1 << MARGINAL) end
  if ids & ID_SUDDEN ~= 0 then matched = matched | (1 << SUDDEN) end
  if grade >= 1 and grade <= 2 then matched = matched | (1 << SEVERE_DISABILITY) end
  -- 婴幼儿: born 2023-01-01 or later, under 3 on the payment date, registered by 2026-02-25
  if birth >= INFANT_BORN_FROM and registered <= EXTENDED_END then
    local by, bm, bd = civil(birth)
    local age = py - by
    if pm < bm or (pm == bm and pd < bd) then age = age - 1 end
    if age < 3 then matched = matched | (1 << INFANT) end
  end
  if matched == 0 then matched = 1 << ORDINARY end -- when otherwise

  -- choose lowest individual then highest medical_assistance then first
  local cat, individual, ma, dis, loc
  if matched & (1 << EXTREME) ~= 0 then cat, individual, ma, dis, loc = EXTREME, 0, 400 * YUAN, 0, 0
  elseif matched & (1 << INFANT) ~= 0 then cat, individual, ma, dis, loc = INFANT, 0, 0, 0, 400 * YUAN
  elseif matched & (1 << RETURNED) ~= 0 then cat, individual, ma, dis, loc = RETURNED, 40 * YUAN, 360 * YUAN, 0, 0
  elseif matched & (1 << SUBSISTENCE) ~= 0 then cat, individual, ma, dis, loc = SUBSISTENCE, 80 * YUAN, 320 * YUAN, 0, 0
  elseif matched & (1 << SEVERE_DISABILITY) ~= 0 then cat, individual, ma, dis, loc = SEVERE_DISABILITY, 80 * YUAN, 0, 320 * YUAN, 0
  elseif matched & (1 << UNSTABLE) ~= 0 then cat, individual, ma, dis, loc = UNSTABLE, 120 * YUAN, 280 * YUAN, 0, 0
  elseif matched & (1 << MARGINAL) ~= 0 then cat, individual, ma, dis, loc = MARGINAL, 120 * YUAN, 280 * YUAN, 0, 0
  elseif matched & (1 << SUDDEN) ~= 0 then cat, individual, ma, dis, loc = SUDDEN, 120 * YUAN, 280 * YUAN, 0, 0
  elseif matched & (1 << STABLE) ~= 0 then cat, individual, ma, dis, loc = STABLE, 400 * YUAN, 0, 0, 0
  else cat, individual, ma, dis, loc = ORDINARY, 400 * YUAN, 0, 0, 0 end
  local subsidized = ma + dis + loc > 0

  -- the window (二、3 征收期限)
  local days_ok = pd <= 25
  local win, start, payable, refusal = -1, YEAR_START, false, OK
  if paid_on < COLLECTION_OPEN then refusal = REF_BEFORE
  elseif paid_on <= MAIN_END then win, payable = 0, days_ok
  elseif paid_on <= EXTENDED_END then win, payable, start = 1, days_ok, paid_on
  elseif paid_on <= YEAR_END then win, payable, start = 2, days_ok, paid_on
  else refusal = REF_AFTER end
  if win ~= -1 and not payable then refusal = REF_DAYS end

  -- rules, in file order (二、2 温馨提示)
  local surcharge, wait, free = 0, 0, false
  if win == 2 and days_ok and not subsidized and not newborn_90 then
    if not born_in_benefit_year then surcharge = 700 * YUAN end -- late_surcharge
    wait = 2 + (lapsed > 1 and lapsed or 1)                     -- late_wait
    if add_months(py, pm, pd, wait) > YEAR_END then             -- late_wait_past_year
      payable, refusal = false, REF_WAIT_PAST
    end
  end
  if born_in_benefit_year and paid_on >= birth then free = true end -- newborn_free
  if newborn_90 and born_in_benefit_year then                       -- newborn_90_birth_year
    payable, refusal, start = true, OK, birth
  end
  if newborn_90 and born_prev_year and not (paid_normal and subsidized) then
    payable, refusal, start = true, OK, YEAR_START                   -- newborn_90_next_year
  end
  if paid_normal and subsidized and not born_in_benefit_year then   -- normal_payment_final
    payable, refusal = false, REF_NORMAL_FINAL
  end
  if paid_on < birth then payable, refusal = false, REF_UNBORN end  -- unborn

  if free then individual, ma, dis, loc = 0, 0, 0, 0
  else individual = individual + surcharge end
  if wait ~= 0 then
    local sy, sm, sd = civil(start)
    start = add_months(sy, sm, sd, wait)
  end
  -- a refused payment buys no benefit period (docs/QUERY.md): no start, no end
  local finish = YEAR_END
  if not payable then start, finish = NO_DATE, NO_DATE end
  return payable, cat, matched, subsidized, win, refusal,
    individual, ma, dis, loc, start, finish, wait
end
return quote
