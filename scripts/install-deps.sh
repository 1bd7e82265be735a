#!/usr/bin/env bash
# Installs, with apt, every Debian 12 package IPT Dossiers needs to build, run and test.
# Only what is missing is installed; nothing is downloaded from anywhere but Debian.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config
  # libraries
  libpodofo-dev libssl-dev libcurl4-openssl-dev libtinyxml2-dev libsqlite3-dev
  libp11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
  libfreetype-dev libpng-dev zlib1g-dev
  # the portal: page templates, page previews, the workspace's password hashes (Argon2id)
  libkainjow-mustache-dev libpoppler-cpp-dev libsodium-dev
  # fonts and colour profile embedded in the PDF/A documents
  fonts-liberation fonts-dejavu-core icc-profiles-free
  # independent checkers used by the tests
  openssl libxml2-utils poppler-utils qpdf libnss3-tools curl softhsm2 opensc unzip
  # a real SMTP server (aiosmtpd, run with /usr/bin/python3) for the mail tests
  python3-aiosmtpd
  # the portal's browser test (ctest -L browser): headless Chromium driven through
  # chromedriver by Selenium; its axe-core comes from npm (the machine's Node.js) at test time
  chromium chromium-driver python3-selenium
  libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless
  # pyHanko 0.25.1 (shared/judges, beside the repository) runs on Debian's own Python packages
  python3-asn1crypto python3-cryptography python3-tzlocal python3-yaml python3-requests
  python3-qrcode python3-uritools python3-click python3-oscrypto python3-defusedxml
  # the kill tests stop processes at chosen system calls
  strace
  # the benchmarks' whole-process figures (scripts/bench-signing.sh)
  hyperfine
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: tous les paquets nécessaires sont déjà installés."
  exit 0
fi

echo "install-deps: installation de ${#missing[@]} paquet(s) : ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
