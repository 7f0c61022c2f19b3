# Sourced by test.sh: headless Chromium and ChromeDriver for the browser tests (Debian's chromium and chromium-driver).
#   browser_ensure     install them with apt-get when missing (as root, or through sudo -n); returns 1 when it cannot
browser_log() { echo "[browser] $*" >&2; }

browser_ensure() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return 0; fi
  browser_log "Chromium or ChromeDriver not found; installing Debian's chromium and chromium-driver"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || { browser_log "not root and no sudo: install chromium and chromium-driver, then retry"; return 1; }
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null 2>&1 || { browser_log "no apt-get: install Chromium and ChromeDriver at /usr/bin, then retry"; return 1; }
  $sudo apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
    || { browser_log "apt-get could not install chromium and chromium-driver"; return 1; }
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]
}
