#!/bin/sh
# report-window.sh: the period the scheduled cost report covers, as since/until lines for
# $GITHUB_OUTPUT (until is the day after the last day, as the report reads it), and the
# billing months (YYYY-MM) it touches, for an incremental download of their partitions.
#
#   INPUT_SINCE / INPUT_UNTIL  an explicit period (YYYY-MM-DD); both or neither
#   INPUT_WINDOW               week (default: the last full week, Monday to Monday, UTC)
#                              or month (the last full calendar month)
#   TODAY                      the day to count from (default: today, UTC); for tests
set -eu

today=${TODAY:-$(date -u +%Y-%m-%d)}
is_day() {
  case "$1" in
    [0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]) date -u -d "$1" +%Y-%m-%d >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

if [ -n "${INPUT_SINCE:-}${INPUT_UNTIL:-}" ]; then
  since=${INPUT_SINCE:-}
  until=${INPUT_UNTIL:-}
  for day in "$since" "$until"; do
    if ! is_day "$day"; then
      echo "::error::since and until must both be dates such as 2024-09-01 (got '$day')" >&2
      exit 1
    fi
  done
elif [ "${INPUT_WINDOW:-week}" = month ]; then
  until=$(date -u -d "$today" +%Y-%m-01)
  since=$(date -u -d "$until -1 month" +%Y-%m-%d)
elif [ "${INPUT_WINDOW:-week}" = week ]; then
  back=$(( ($(date -u -d "$today" +%u) + 6) % 7 ))   # days since Monday
  until=$(date -u -d "$today -$back days" +%Y-%m-%d)
  since=$(date -u -d "$until -7 days" +%Y-%m-%d)
else
  echo "::error::window must be week or month (got '${INPUT_WINDOW}')" >&2
  exit 1
fi
if [ "$(date -u -d "$until" +%s)" -le "$(date -u -d "$since" +%s)" ]; then
  echo "::error::until ($until) must be after since ($since)" >&2
  exit 1
fi

month=$(date -u -d "$since" +%Y-%m-01)
last=$(date -u -d "$until -1 day" +%Y-%m-01)
months=""
while [ "$(date -u -d "$month" +%s)" -le "$(date -u -d "$last" +%s)" ]; do
  months="$months $(date -u -d "$month" +%Y-%m)"
  month=$(date -u -d "$month +1 month" +%Y-%m-%d)
done
echo "since=$since"
echo "until=$until"
echo "months=${months# }"
