#!/usr/bin/env bash
# stpwatch lab: throwaway network namespaces that reproduce a QEMU hub loop
# between two Linux bridges running kernel STP.  See tests/lab/README.md.
#
#   lab.sh up SCENARIO                 build a lab, leave it running
#   lab.sh down [RUNID]                tear one lab down
#   lab.sh status                      list labs and their port states
#   lab.sh exec CMD...                 run CMD in the lab's host namespace
#   lab.sh capture SCENARIO OUTDIR [SECONDS]   up, capture pcaps, down
#   lab.sh measure SCENARIO [RUNS]     time from QEMU start to a tap blocking
#   lab.sh clean-all                   remove every lab left by any run
#   lab.sh scenarios                   list the scenarios
#
# Exit code 77 means "skip": not root, no network namespaces, no
# /dev/net/tun or no qemu-system-x86_64.
set -euo pipefail

LAB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
RUN_BASE=${STPW_LAB_RUN_BASE:-/run/stpwatch-lab}
NS_PREFIX=stpw
# namespace names: stpw + 6-hex run id + -host|-sw|-peerN.  Only names of
# exactly this shape are ever deleted (other tools may use "stpw..." too).
NS_SUFFIX_RE='-(host|sw|peer[0-9]+)$'
NS_RE="^${NS_PREFIX}[0-9a-f]{6}${NS_SUFFIX_RE}"
QEMU_BIN=${QEMU:-qemu-system-x86_64}
# Debian's interpreter if present: starts in ~50 ms (a pyenv shim takes ~0.5 s)
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
# Helper processes (talkers, injectors, port watcher) stop by themselves
# after this many seconds even if nobody runs "down".
LAB_MAX_SECONDS=${LAB_MAX_SECONDS:-1800}
SCENARIOS="healthy shared-hub shared-hub-one-bridge three-nics two-vms separate-lans paused fixed"

# STP timers in centiseconds (iproute2 units): hello 2 s, max_age 6 s,
# forward_delay 4 s.  802.1D: 2*(fd-1)=6 >= max_age=6 >= 2*(hello+1)=6.
STP_OPTS=(stp_state 1 hello_time 200 max_age 600 forward_delay 400)
BR0_PRIO=4096  # 0x1000: br0 is the root bridge
BR1_PRIO=8192  # 0x2000
LAN_NET=192.0.2   # TEST-NET-1, only ever configured inside lab namespaces

RID=""         # run id of the lab this invocation created (for the trap)
KEEP=0         # 1 once "up" succeeded: the EXIT trap then leaves it running

log() { printf 'lab.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }
now_ms() { date +%s%3N; }

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------- preflight

preflight() {
    [[ $(id -u) -eq 0 ]] || skip "must run as root"
    command -v ip >/dev/null 2>&1 || skip "iproute2 (ip) not installed"
    ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
    [[ -c /dev/net/tun ]] || skip "/dev/net/tun missing"
    command -v "$QEMU_BIN" >/dev/null 2>&1 || skip "$QEMU_BIN not installed"
    command -v "$PYTHON" >/dev/null 2>&1 || skip "$PYTHON not installed"
    if [[ ${1:-} == capture ]]; then
        command -v tcpdump >/dev/null 2>&1 || skip "tcpdump not installed"
    fi
}

# ---------------------------------------------------------------- scenarios
#
# define_scenario sets:
#   LANS     shared (br0 and br1 uplinked to one switch bridge lan0) or
#            separate (br0 -> lan0, br1 -> lan1, no other path)
#   TAPS     "TAP BRIDGE GUESTMAC" per tap, in NIC order
#   NVMS     number of VMs;  VM_TAPS[i] = taps of VM i ("tap10 tap11")
#   VM_STYLE[i] legacy | healthy | fixed;  VM_MACS[i] = "" for QEMU defaults
#   VM_PAUSED[i] 1 to start with -S
declare -a TAPS=() VM_TAPS=() VM_STYLE=() VM_MACS=() VM_PAUSED=()
LANS=shared
NVMS=0
SCENARIO=""

add_vm() { # STYLE PAUSED "TAP:BR[@MAC-WITH-DASHES] ..."
    local style=$1 paused=$2 spec taps="" macs="" t br mac n=0
    local i=$NVMS
    for spec in $3; do
        IFS=: read -r t br mac <<<"${spec//@/:}"
        if [[ -z $mac ]]; then
            # QEMU's default: 52:54:00:12:34:56 + NIC index in this process
            mac=$(printf '52:54:00:12:34:%02x' $((0x56 + n)))
        else
            macs+="$mac "
        fi
        TAPS+=("$t $br $mac")
        taps+="$t "
        n=$((n + 1))
    done
    VM_TAPS[i]=${taps% }
    VM_MACS[i]=${macs% }
    VM_STYLE[i]=$style
    VM_PAUSED[i]=$paused
    NVMS=$((NVMS + 1))
}

define_scenario() {
    SCENARIO=$1
    LANS=shared
    local k
    case $1 in
    healthy)
        add_vm healthy 0 "tap10:br0@52-54-00-0a-00-10 tap11:br1@52-54-00-0a-00-11" ;;
    shared-hub)
        add_vm legacy 0 "tap10:br0 tap11:br1" ;;
    shared-hub-one-bridge)
        add_vm legacy 0 "tap10:br0@52-54-00-0b-00-10 tap11:br0@52-54-00-0b-00-11" ;;
    three-nics)
        add_vm legacy 0 "tap10:br0 tap11:br1 tap12:br0" ;;
    two-vms)
        add_vm legacy 0 "tap10:br0 tap11:br1"
        add_vm legacy 0 "tap20:br0@52-54-00-0c-00-20 tap21:br1@52-54-00-0c-00-21" ;;
    separate-lans)
        LANS=separate
        add_vm legacy 0 "tap10:br0 tap11:br1" ;;
    paused)
        add_vm legacy 1 "tap10:br0 tap11:br1" ;;
    fixed)
        add_vm fixed 0 "tap10:br0@52-54-00-0f-00-10 tap11:br1@52-54-00-0f-00-11" ;;
    *)
        die "unknown scenario '$1' (one of: $SCENARIOS)" ;;
    esac
    # LAB_PAUSED=1 starts every VM of any scenario with -S (QMP "cont" later)
    if [[ ${LAB_PAUSED:-0} == 1 ]]; then
        for k in "${!VM_PAUSED[@]}"; do VM_PAUSED[k]=1; done
    fi
    # MACs were written with '-' to survive the ':' split above
    for k in "${!TAPS[@]}"; do TAPS[k]=${TAPS[k]//-/:}; done
    for k in "${!VM_MACS[@]}"; do VM_MACS[k]=${VM_MACS[k]//-/:}; done
}

# guest MAC of tap $1
tap_guest_mac() {
    local e
    for e in "${TAPS[@]}"; do
        read -r t _ m <<<"$e"
        [[ $t == "$1" ]] && { echo "$m"; return 0; }
    done
    return 1
}

# QEMU argument vector for VM $1 -> array QARGS
build_qemu_args() {
    local i=$1 dir=$2 name k=0 t mac
    local -a taps macs
    read -r -a taps <<<"${VM_TAPS[i]}"
    read -r -a macs <<<"${VM_MACS[i]}"
    name="$SCENARIO-vm$i"
    QARGS=("$QEMU_BIN" -name "$name" -nodefaults -display none
        -machine accel=tcg -m 64
        -global virtio-net-pci.romfile=
        -qmp "unix:$dir/vm$i.qmp,server=on,wait=off"
        -pidfile "$dir/vm$i.pid" -daemonize)
    [[ ${VM_PAUSED[i]} == 1 ]] && QARGS+=(-S)
    local inj_listen=$((41000 + i)) inj_target=$((42000 + i))
    case ${VM_STYLE[i]} in
    legacy)
        for t in "${taps[@]}"; do
            if [[ -n ${macs[k]:-} ]]; then
                QARGS+=(-net "nic,model=virtio,macaddr=${macs[k]}")
            else
                QARGS+=(-net "nic,model=virtio")
            fi
            QARGS+=(-net "tap,ifname=$t,script=no,downscript=no")
            k=$((k + 1))
        done
        # one more port on hub 0: the lab's frame injector (see inject.py);
        # LAB_INJECT=0 leaves it out, so that the VM's command line can be
        # fixed mechanically (a socket backend on a shared hub cannot)
        if [[ ${LAB_INJECT:-1} == 1 ]]; then
            QARGS+=(-net "socket,udp=127.0.0.1:$inj_target,localaddr=127.0.0.1:$inj_listen")
        fi
        ;;
    healthy)
        for t in "${taps[@]}"; do
            QARGS+=(-netdev "tap,id=net$k,ifname=$t,script=no,downscript=no"
                -device "virtio-net-pci,netdev=net$k,mac=${macs[k]}")
            k=$((k + 1))
        done
        # no hub at all: frames are injected into net0 (tap10) only, through
        # a filter-redirector reading a unix socket
        QARGS+=(-chardev "socket,id=inj0,path=$dir/vm$i-inj.sock,server=on,wait=off"
            -object "filter-redirector,id=inj0f,netdev=net0,queue=rx,indev=inj0,vnet_hdr_support=on")
        ;;
    fixed)
        # one explicit hub per NIC: hub K = {tapK, NIC K}; hub 0 also
        # holds the injector
        for t in "${taps[@]}"; do
            QARGS+=(-netdev "tap,id=hostnet$k,ifname=$t,script=no,downscript=no"
                -netdev "hubport,id=hub${k}tap,hubid=$k,netdev=hostnet$k"
                -netdev "hubport,id=net$k,hubid=$k"
                -device "virtio-net-pci,netdev=net$k,mac=${macs[k]}")
            k=$((k + 1))
        done
        QARGS+=(-netdev "socket,id=inj0,udp=127.0.0.1:$inj_target,localaddr=127.0.0.1:$inj_listen"
            -netdev "hubport,id=hub0inj,hubid=0,netdev=inj0")
        ;;
    esac
}

# ---------------------------------------------------------------- run dirs

new_run_dir() {
    mkdir -p "$RUN_BASE"
    chmod 700 "$RUN_BASE"
    local n
    for n in 1 2 3 4 5 6 7 8; do
        RID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
        if [[ -z $(lab_namespaces "$RID") ]] &&
            mkdir "$RUN_BASE/$RID" 2>/dev/null; then
            mkdir "$RUN_BASE/$RID/pids"
            return 0
        fi
    done
    die "could not find a free run id under $RUN_BASE"
}

# which run does "down"/"exec" mean: $1, $LAB_RUN, or the only one
resolve_run() {
    local want=${1:-${LAB_RUN:-}}
    if [[ -n $want ]]; then
        [[ $want =~ ^[0-9a-f]{6}$ ]] || die "bad run id '$want'"
        [[ -d $RUN_BASE/$want ]] || die "no lab with run id $want"
        echo "$want"
        return
    fi
    local -a runs=()
    if [[ -d $RUN_BASE ]]; then
        mapfile -t runs < <(find "$RUN_BASE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
    fi
    case ${#runs[@]} in
    0) die "no lab is running" ;;
    1) echo "${runs[0]}" ;;
    *) die "several labs are running (${runs[*]}): give a run id or set LAB_RUN" ;;
    esac
}

# ---------------------------------------------------------------- teardown

# kill the process in pidfile $1 if it still is one of ours
kill_pidfile() {
    local f=$1 dir=$2 pid
    [[ -s $f ]] || return 0
    pid=$(tr -dc '0-9' <"$f")
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 0
    # every process the lab starts has its run directory on its command line
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir"; then
        kill -TERM "$pid" 2>/dev/null || true
        echo "$pid"
    fi
}

wait_gone() { # PID... ; bounded: 3 s then SIGKILL
    local pid t
    for ((t = 0; t < 30; t++)); do
        local alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && return 0
        sleep 0.1
    done
    for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.2
}

lab_namespaces() { # RID -> names of the namespaces of that run
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${NS_PREFIX}$1${NS_SUFFIX_RE}" || true
}

teardown() {
    local rid=$1 dir=$RUN_BASE/$1 f ns pid
    local -a pids=()
    [[ $rid =~ ^[0-9a-f]{6}$ ]] || return 0
    shopt -s nullglob
    for f in "$dir"/*.pid "$dir"/pids/*.pid; do
        pid=$(kill_pidfile "$f" "$dir")
        [[ -n $pid ]] && pids+=("$pid")
    done
    shopt -u nullglob
    # whatever else still lives in our namespaces is ours as well
    for ns in $(lab_namespaces "$rid"); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        done
    done
    ((${#pids[@]})) && wait_gone "${pids[@]}"
    for ns in $(lab_namespaces "$rid"); do
        # delete our links explicitly, then the namespace
        local l
        for l in $(ip -n "$ns" -o link show 2>/dev/null |
            awk -F': ' '{sub(/@.*/, "", $2); if ($2 != "lo") print $2}'); do
            ip -n "$ns" link del "$l" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || log "warning: could not delete namespace $ns"
    done
    rm -rf -- "$dir"
}

on_exit() {
    local rc=$?
    if [[ -n $RID && $KEEP == 0 ]]; then
        teardown "$RID"
    fi
    exit "$rc"
}

# ---------------------------------------------------------------- building

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mk_ns() {
    ip netns add "$1" 2>/dev/null || {
        [[ ${#NAMESPACES[@]} -eq 0 ]] && skip "cannot create network namespace $1"
        die "cannot create network namespace $1"
    }
    NAMESPACES+=("$1")
    # IPv6 off inside the lab: keeps the pcaps free of MLD/RS chatter
    nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ip -n "$1" link set lo up
}

# background helper inside namespace $1, pid recorded as pids/$2.pid
start_bg() {
    local ns=$1 tag=$2 dir=$RUN_BASE/$RID
    shift 2
    ip netns exec "$ns" "$@" >"$dir/$tag.log" 2>&1 &
    echo $! >"$dir/pids/$tag.pid"
}

port_state() { # NS PORT -> numeric brport state
    nsx "$1" cat "/sys/class/net/$2/brport/state" 2>/dev/null || echo "?"
}

wait_state() { # NS PORT STATE TIMEOUT_S
    local end=$(($(now_ms) + $4 * 1000))
    while [[ $(port_state "$1" "$2") != "$3" ]]; do
        (($(now_ms) < end)) || return 1
        sleep 0.1
    done
}

build_topology() {
    local dir=$RUN_BASE/$RID
    NS_HOST=${NS_PREFIX}${RID}-host
    NS_SW=${NS_PREFIX}${RID}-sw
    NAMESPACES=()
    PEERS=()
    mk_ns "$NS_HOST"
    mk_ns "$NS_SW"

    # the external switch(es): plain Linux bridges without STP, i.e.
    # unmanaged switches that flood BPDUs like any other multicast
    local nlan=1 j
    [[ $LANS == separate ]] && nlan=2
    for ((j = 0; j < nlan; j++)); do
        ip -n "$NS_SW" link add "lan$j" address "02:00:00:00:03:0$j" type bridge stp_state 0
        ip -n "$NS_SW" link set "lan$j" up
    done

    # the KVM host's bridges, each with a veth uplink into the switch
    ip -n "$NS_HOST" link add br0 address 02:00:00:00:00:b0 type bridge \
        "${STP_OPTS[@]}" priority "$BR0_PRIO"
    ip -n "$NS_HOST" link add br1 address 02:00:00:00:00:b1 type bridge \
        "${STP_OPTS[@]}" priority "$BR1_PRIO"
    for j in 0 1; do
        local lan=lan0
        [[ $LANS == separate ]] && lan=lan$j
        ip -n "$NS_HOST" link add "up$j" address "02:00:00:00:01:0$j" type veth \
            peer name "sw$j" address "02:00:00:00:02:0$j" netns "$NS_SW"
        ip -n "$NS_SW" link set "sw$j" master "$lan" up
        ip -n "$NS_HOST" link set "up$j" master "br$j" up
        ip -n "$NS_HOST" link set "br$j" up
    done

    # peer host(s) on the external LAN(s): real IPv4 stack plus a talker
    # that broadcasts ARP and ICMP echo every second
    for ((j = 0; j < nlan; j++)); do
        local ns=${NS_PREFIX}${RID}-peer$j
        mk_ns "$ns"
        PEERS+=("$ns")
        ip -n "$ns" link add eth0 address "02:00:00:00:04:0$j" type veth \
            peer name "p$j" address "02:00:00:00:05:0$j" netns "$NS_SW"
        ip -n "$NS_SW" link set "p$j" master "lan$j" up
        ip -n "$ns" addr add "$LAN_NET.$((1 + j))/24" dev eth0
        ip -n "$ns" link set eth0 up
    done

    # let the uplinks converge before any VM exists (bounded wait)
    for j in 0 1; do
        wait_state "$NS_HOST" "up$j" 3 30 ||
            die "uplink up$j of br$j did not reach forwarding in 30 s"
    done

    # persistent taps, enslaved and up; no carrier until QEMU opens them
    local e t br mac
    for e in "${TAPS[@]}"; do
        read -r t br mac <<<"$e"
        ip -n "$NS_HOST" tuntap add "$t" mode tap
        # libvirt convention: tap MAC = guest MAC with first octet 0xfe
        ip -n "$NS_HOST" link set "$t" address "fe:${mac#*:}" master "$br" up
    done

    start_bg "$NS_HOST" portwatch "$PYTHON" "$LAB_DIR/portwatch.py" watch \
        "$dir/portwatch.log" --interval 0.05 --duration "$LAB_MAX_SECONDS"
    # bounded wait for the watcher's first snapshot, so that it sees the
    # taps before QEMU opens them
    local end=$(($(now_ms) + 10000))
    until [[ -s $dir/portwatch.log ]]; do
        (($(now_ms) < end)) || die "portwatch.py did not start"
        sleep 0.05
    done
    for ((j = 0; j < nlan; j++)); do
        start_bg "${PEERS[j]}" "talker$j" "$PYTHON" "$LAB_DIR/inject.py" \
            --iface eth0 --mac "02:00:00:00:04:0$j" --ip "$LAN_NET.$((1 + j))" \
            --target "$LAN_NET.10" --icmp --interval 1 --delay "0.$((5 * j))" \
            --duration "$LAB_MAX_SECONDS"
    done
}

start_vms() {
    local dir=$RUN_BASE/$RID i
    QEMU_START_MS=$(now_ms)
    for ((i = 0; i < NVMS; i++)); do
        build_qemu_args "$i" "$dir"
        printf '%q ' "${QARGS[@]}" >"$dir/vm$i.cmdline"
        echo >>"$dir/vm$i.cmdline"
        if ! ip netns exec "$NS_HOST" "${QARGS[@]}" 2>"$dir/vm$i.err"; then
            cat "$dir/vm$i.err" >&2
            die "QEMU failed to start (vm$i)"
        fi
    done
    # frames with the guest's MAC, into hub 0 of each VM (or net0 of the
    # healthy VM): NIC 0's MAC, IP 192.0.2.10+i
    for ((i = 0; i < NVMS; i++)); do
        [[ ${LAB_INJECT:-1} == 1 || ${VM_STYLE[i]} != legacy ]] || continue
        local -a taps
        read -r -a taps <<<"${VM_TAPS[i]}"
        local mac
        mac=$(tap_guest_mac "${taps[0]}")
        local -a how
        if [[ ${VM_STYLE[i]} == healthy ]]; then
            how=(--unix "$dir/vm$i-inj.sock" --vnet-hdr 10)
        else
            how=(--udp $((41000 + i)) --listen $((42000 + i)) --hub-pcap "$dir/cap/hub-vm$i.pcap")
        fi
        mkdir -p "$dir/cap"
        start_bg "$NS_HOST" "inject$i" "$PYTHON" "$LAB_DIR/inject.py" "${how[@]}" \
            --mac "$mac" --ip "$LAN_NET.$((10 + i))" --target "$LAN_NET.1" \
            --interval 1 --delay 0.25 --duration "$LAB_MAX_SECONDS"
    done
    # bounded wait until QEMU has opened every tap (carrier up)
    local e t end=$(($(now_ms) + 10000))
    for e in "${TAPS[@]}"; do
        read -r t _ _ <<<"$e"
        until [[ $(nsx "$NS_HOST" cat "/sys/class/net/$t/carrier" 2>/dev/null) == 1 ]]; do
            (($(now_ms) < end)) || die "QEMU did not attach $t within 10 s"
            sleep 0.05
        done
    done
}

write_env() {
    local dir=$RUN_BASE/$RID f=$RUN_BASE/$RID/env i
    {
        printf 'LAB_RUNID=%q\n' "$RID"
        printf 'LAB_SCENARIO=%q\n' "$SCENARIO"
        printf 'LAB_RUN_DIR=%q\n' "$dir"
        printf 'LAB_NS_HOST=%q\n' "$NS_HOST"
        printf 'LAB_NS_SW=%q\n' "$NS_SW"
        printf 'LAB_NS_PEERS=%q\n' "${PEERS[*]}"
        printf 'LAB_NAMESPACES=%q\n' "${NAMESPACES[*]}"
        printf 'LAB_LANS=%q\n' "$LANS"
        printf 'LAB_BRIDGES=%q\n' "br0 br1"
        printf 'LAB_UPLINKS=%q\n' "up0:br0 up1:br1"
        local e t br mac s=""
        for e in "${TAPS[@]}"; do read -r t br mac <<<"$e"; s+="$t:$br:$mac "; done
        printf 'LAB_TAPS=%q\n' "${s% }"
        printf 'LAB_NVMS=%q\n' "$NVMS"
        printf 'LAB_QEMU_START_MS=%q\n' "$QEMU_START_MS"
        for ((i = 0; i < NVMS; i++)); do
            printf 'LAB_VM%d_NAME=%q\n' "$i" "$SCENARIO-vm$i"
            printf 'LAB_VM%d_PID=%q\n' "$i" "$(cat "$dir/vm$i.pid" 2>/dev/null)"
            printf 'LAB_VM%d_PIDFILE=%q\n' "$i" "$dir/vm$i.pid"
            printf 'LAB_VM%d_QMP=%q\n' "$i" "$dir/vm$i.qmp"
            printf 'LAB_VM%d_TAPS=%q\n' "$i" "${VM_TAPS[i]}"
            printf 'LAB_VM%d_STYLE=%q\n' "$i" "${VM_STYLE[i]}"
            printf 'LAB_VM%d_PAUSED=%q\n' "$i" "${VM_PAUSED[i]}"
        done
    } >"$f"
}

lab_up() { # SCENARIO [pre-QEMU hook]
    define_scenario "$1"
    new_run_dir
    echo "$SCENARIO" >"$RUN_BASE/$RID/scenario"
    build_topology
    if [[ -n ${2:-} ]]; then "$2"; fi
    start_vms
    write_env
}

# ---------------------------------------------------------------- capture

start_captures() {
    local dir=$RUN_BASE/$RID e t
    local -a ifs=(br0 br1 up0 up1)
    for e in "${TAPS[@]}"; do read -r t _ _ <<<"$e"; ifs+=("$t"); done
    mkdir -p "$dir/cap"
    local i
    for i in "${ifs[@]}"; do
        start_bg "$NS_HOST" "tcpdump-$i" tcpdump -Z root -n -U -i "$i" -w "$dir/cap/$i.pcap"
    done
    start_bg "$NS_HOST" tcpdump-any tcpdump -Z root -n -U -i any -y LINUX_SLL2 -w "$dir/cap/any.pcap"
    if [[ $SCENARIO == shared-hub ]]; then
        start_bg "$NS_HOST" tcpdump-any-sll1 tcpdump -Z root -n -U -i any -y LINUX_SLL -w "$dir/cap/any-sll1.pcap"
    fi
    local j
    for j in lan0 lan1; do
        nsx "$NS_SW" test -d "/sys/class/net/$j" || continue
        start_bg "$NS_SW" "tcpdump-sw-$j" tcpdump -Z root -n -U -i "$j" -w "$dir/cap/sw-$j.pcap"
    done
    # bounded wait until every tcpdump says "listening on"
    local f end=$(($(now_ms) + 10000))
    for f in "$dir"/tcpdump-*.log; do
        until grep -q 'listening on' "$f"; do
            (($(now_ms) < end)) || { cat "$f" >&2; die "tcpdump did not start ($f)"; }
            sleep 0.05
        done
    done
    CAPTURE_START_UPTIME=$(cut -d' ' -f1 /proc/uptime)
}

stop_captures() {
    local dir=$RUN_BASE/$RID f pid
    local -a pids=()
    shopt -s nullglob
    for f in "$dir"/pids/tcpdump-*.pid "$dir"/pids/inject*.pid "$dir"/pids/talker*.pid; do
        pid=$(kill_pidfile "$f" "$dir")
        [[ -n $pid ]] && pids+=("$pid")
        rm -f "$f"
    done
    shopt -u nullglob
    ((${#pids[@]})) && wait_gone "${pids[@]}"
    return 0
}

write_meta() { # OUT
    local out=$1 dir=$RUN_BASE/$RID i e t br mac
    {
        echo "scenario: $SCENARIO"
        echo "run id: $RID (namespaces: ${NAMESPACES[*]})"
        echo "captured: $(date -u +%Y-%m-%dT%H:%M:%SZ), $CAPTURE_SECONDS s after QEMU start"
        echo "qemu start: epoch ms $QEMU_START_MS (pcap time = start + the +ms offsets below)"
        echo "versions: $("$QEMU_BIN" --version | head -1); kernel $(uname -r); $(tcpdump --version 2>&1 | head -1)"
        echo "external LAN: $LANS (switch bridge(s) in ${NS_SW} without STP)"
        [[ ${LAB_PAUSED:-0} == 1 ]] && echo "variant: LAB_PAUSED=1 (every VM started with -S)"
        [[ -n ${CONT_NOTE:-} ]] && echo "variant: $CONT_NOTE"
        echo
        echo "## QEMU command lines (from /proc/PID/cmdline)"
        for ((i = 0; i < NVMS; i++)); do
            local pid
            pid=$(cat "$dir/vm$i.pid")
            echo "vm$i (pid in lab: $pid):"
            tr '\0' ' ' <"/proc/$pid/cmdline" | sed "s#$dir#\$RUN#g"
            echo
        done
        echo
        echo "## QMP human-monitor-command 'info network' (at the end)"
        for ((i = 0; i < NVMS; i++)); do
            echo "vm$i:"
            "$PYTHON" "$LAB_DIR/qmp.py" "$dir/vm$i.qmp" hmp info network | tr -d '\r'
            echo "status: $("$PYTHON" "$LAB_DIR/qmp.py" "$dir/vm$i.qmp" cmd query-status | tr -d '\n ')"
        done
        echo
        echo "## tap -> bridge (guest NIC MAC, tap MAC)"
        for e in "${TAPS[@]}"; do
            read -r t br mac <<<"$e"
            echo "$t -> $br  guest $mac  tap $(nsx "$NS_HOST" cat "/sys/class/net/$t/address")"
        done
        echo
        echo "## ifindex -> name in $NS_HOST (any.pcap / any-sll1.pcap)"
        ip -n "$NS_HOST" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $1, $2}'
        echo
        echo "## bridges"
        for br in br0 br1; do
            local s=/sys/class/net/$br/bridge
            echo "$br mac $(nsx "$NS_HOST" cat "/sys/class/net/$br/address")" \
                "bridge_id $(nsx "$NS_HOST" cat "$s/bridge_id")" \
                "root_id $(nsx "$NS_HOST" cat "$s/root_id")" \
                "root_port $(nsx "$NS_HOST" cat "$s/root_port")" \
                "root_path_cost $(nsx "$NS_HOST" cat "$s/root_path_cost")"
        done
        echo
        echo "## port states at the end (bridge -d link)"
        bridge -n "$NS_HOST" -d link show
        echo
        echo "## port timeline, ms after QEMU start (portwatch.py, 50 ms polling)"
        nsx "$NS_HOST" "$PYTHON" "$LAB_DIR/portwatch.py" summary "$dir/portwatch.log" "$QEMU_START_MS"
        echo
        echo "## kernel log lines since the capture started that name lab interfaces"
        echo "(dmesg is global: a line is kept only if every interface it names is one"
        echo "of this lab's; another lab using the same names at the same time could"
        echo "still add lines)"
        local names="br0 br1 up0 up1" macs="02:00:00:00:00:b0 02:00:00:00:00:b1"
        macs+=" 02:00:00:00:01:00 02:00:00:00:01:01"
        for e in "${TAPS[@]}"; do
            read -r t _ _ <<<"$e"
            names+=" $t"
            macs+=" $(nsx "$NS_HOST" cat "/sys/class/net/$t/address")"
        done
        dmesg 2>/dev/null | awk -v s="$CAPTURE_START_UPTIME" -v names="$names" '
            BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) ours[a[i]] = 1 }
            {
                t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t)
                if (t + 0 < s + 0) next
                line = $0; sub(/^\[[^]]*\] /, "", line)
                dev = line; sub(/:.*/, "", dev); sub(/ .*/, "", dev)
                if (!(dev in ours)) next
                rest = line
                while (match(rest, /(port [0-9]+\(|on )[A-Za-z0-9_.-]+/)) {
                    x = substr(rest, RSTART, RLENGTH); sub(/^(port [0-9]+\(|on )/, "", x)
                    if (!(x in ours)) next
                    rest = substr(rest, RSTART + RLENGTH)
                }
                print line
            }' >"$dir/klog.txt" || true
        cat "$dir/klog.txt"
        local own=0 m
        for m in $macs; do
            own=$((own + $(grep -c "own address as source address (addr:$m," "$dir/klog.txt" || true)))
        done
        if ((own > 0)); then
            echo "own-address message: yes ($own lines naming this lab's ports and MACs)"
        else
            echo "own-address message: no"
        fi
        echo
        echo "## frames per file: all (tcpdump -r F -n | wc -l), stp-filter"
        echo "## (tcpdump -r F -n stp | wc -l), STP-decoded (tcpdump -r F -n | grep -c STP)"
        echo "## libpcap 1.10.3's 'stp' filter matches nothing on LINUX_SLL2 files"
        for k in "$out"/*.pcap; do
            printf '%-16s all %4s  stp-filter %4s  STP-decoded %4s\n' "$(basename "$k")" \
                "$(tcpdump -r "$k" -n 2>/dev/null | wc -l)" \
                "$(tcpdump -r "$k" -n stp 2>/dev/null | wc -l)" \
                "$(tcpdump -r "$k" -n 2>/dev/null | grep -c STP)"
        done
    } >"$out/meta.txt"
}

cmd_capture() {
    local scen=$1 out=$2 secs=${3:-12}
    [[ $secs =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number"
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    CAPTURE_SECONDS=$secs
    trap on_exit EXIT
    lab_up "$scen" start_captures
    log "run $RID: capturing $scen for $secs s after QEMU start"
    local end=$((QEMU_START_MS + secs * 1000)) dir
    dir=$RUN_BASE/$RID
    CONT_NOTE=""
    if [[ -n ${LAB_CONT_AFTER:-} ]]; then
        [[ $LAB_CONT_AFTER =~ ^[0-9]+$ ]] || die "LAB_CONT_AFTER must be whole seconds"
        local at=$((QEMU_START_MS + LAB_CONT_AFTER * 1000)) i
        while (($(now_ms) < at)); do sleep 0.05; done
        for ((i = 0; i < NVMS; i++)); do
            "$PYTHON" "$LAB_DIR/qmp.py" "$dir/vm$i.qmp" cmd cont >/dev/null
        done
        CONT_NOTE="QMP 'cont' sent to every VM at +$(($(now_ms) - QEMU_START_MS)) ms"
        log "run $RID: $CONT_NOTE"
    fi
    while (($(now_ms) < end)); do sleep 0.1; done
    # snapshot of states first, then stop the writers, then write meta
    bridge -n "$NS_HOST" -d link show >"$dir/bridge-link.txt"
    stop_captures
    rm -f "$out"/*.pcap "$out/meta.txt"
    cp "$dir"/cap/*.pcap "$out"/
    write_meta "$out"
    log "run $RID: wrote $(find "$out" -name '*.pcap' | wc -l) pcaps and meta.txt to $out"
}

# ---------------------------------------------------------------- commands

cmd_up() {
    trap on_exit EXIT
    lab_up "$1"
    KEEP=1
    echo "run id: $RID"
    echo "scenario: $SCENARIO"
    echo "namespaces: ${NAMESPACES[*]}"
    echo "env file: $RUN_BASE/$RID/env"
}

cmd_down() {
    local rid
    rid=$(resolve_run "${1:-}")
    teardown "$rid"
    echo "run $rid removed"
}

cmd_exec() {
    local rid
    rid=$(resolve_run "")
    [[ $# -gt 0 ]] || die "usage: lab.sh exec CMD..."
    exec ip netns exec "${NS_PREFIX}${rid}-host" "$@"
}

cmd_status() {
    local d rid ns any=0
    if [[ -d $RUN_BASE ]]; then
        for d in "$RUN_BASE"/*/; do
            [[ -d $d ]] || continue
            any=1
            rid=$(basename "$d")
            echo "run $rid: scenario $(cat "$d/scenario" 2>/dev/null || echo '?')"
            local f
            for f in "$d"/vm*.pid; do
                [[ -s $f ]] || continue
                local pid
                pid=$(cat "$f")
                if kill -0 "$pid" 2>/dev/null; then
                    echo "  $(basename "$f" .pid): qemu pid $pid running"
                else
                    echo "  $(basename "$f" .pid): qemu pid $pid gone"
                fi
            done
            ns=${NS_PREFIX}${rid}-host
            if ip netns list | grep -q "^$ns\b"; then
                bridge -n "$ns" link show | sed 's/^/  /'
            else
                echo "  namespace $ns missing"
            fi
        done
    fi
    for ns in $(ip netns list | awk '{print $1}' | grep -E "$NS_RE" || true); do
        rid=${ns#"$NS_PREFIX"}
        rid=${rid%%-*}
        [[ -d $RUN_BASE/$rid ]] || { echo "orphan namespace $ns (lab.sh clean-all removes it)"; any=1; }
    done
    [[ $any == 1 ]] || echo "no lab"
}

cmd_clean_all() {
    local d rid ns
    if [[ -d $RUN_BASE ]]; then
        for d in "$RUN_BASE"/*/; do
            [[ -d $d ]] || continue
            rid=$(basename "$d")
            teardown "$rid"
            echo "removed run $rid"
        done
    fi
    for rid in $(ip netns list | awk '{print $1}' | grep -E "$NS_RE" |
        sed -E "s/^${NS_PREFIX}([0-9a-f]{6}).*/\1/" | sort -u); do
        teardown "$rid"
        echo "removed leftover namespaces of run $rid"
    done
    return 0
}

cmd_measure() { # SCENARIO RUNS: time from QEMU start to the final tap states
    local scen=$1 nruns=${2:-5} n
    for ((n = 1; n <= nruns; n++)); do
        TAPS=() VM_TAPS=() VM_STYLE=() VM_MACS=() VM_PAUSED=() NVMS=0
        trap on_exit EXIT
        KEEP=0
        lab_up "$scen"
        local end=$((QEMU_START_MS + ${LAB_MEASURE_SECONDS:-6} * 1000))
        while (($(now_ms) < end)); do sleep 0.1; done
        echo "run $n ($RID):"
        local e t
        for e in "${TAPS[@]}"; do
            read -r t _ _ <<<"$e"
            nsx "$NS_HOST" "$PYTHON" "$LAB_DIR/portwatch.py" summary \
                "$RUN_BASE/$RID/portwatch.log" "$QEMU_START_MS" "$t" | sed 's/^/  /'
        done
        teardown "$RID"
        RID=""
    done
}

main() {
    # a signal ends the script through "exit", so the EXIT trap cleans up
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    local cmd=${1:-}
    [[ -n $cmd ]] || { usage; exit 2; }
    shift
    case $cmd in
    up) [[ $# -eq 1 ]] || die "usage: lab.sh up SCENARIO"; preflight; cmd_up "$1" ;;
    down) preflight; cmd_down "${1:-}" ;;
    status) preflight; cmd_status ;;
    exec) preflight; cmd_exec "$@" ;;
    capture)
        [[ $# -ge 2 ]] || die "usage: lab.sh capture SCENARIO OUTDIR [SECONDS]"
        preflight capture; cmd_capture "$@" ;;
    measure) [[ $# -ge 1 ]] || die "usage: lab.sh measure SCENARIO [RUNS]"; preflight; cmd_measure "$@" ;;
    clean-all) preflight; cmd_clean_all ;;
    scenarios) echo "$SCENARIOS" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
    esac
}

main "$@"
