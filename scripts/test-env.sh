# Sourced by scripts/test.sh (from the checkout's root): the environment
# the test suite runs in.
#   FUZZTIME              each fuzz target's budget (default 8s)
#   GRIDSTREAM_ARTIFACTS  where tests leave what a person should look at
#                         (the dashboard's Chromium screenshot, waterfall
#                         pictures): default ./artifacts, gitignored; CI
#                         keeps this folder
export FUZZTIME=${FUZZTIME:-8s}
GRIDSTREAM_ARTIFACTS=$(realpath -m -- "${GRIDSTREAM_ARTIFACTS:-artifacts}")
export GRIDSTREAM_ARTIFACTS
mkdir -p -- "$GRIDSTREAM_ARTIFACTS"
