/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_engine - how long the engine takes per frame, without any I/O:
 * synthetic BPDUs echoed between two taps (the shared-hub case) mixed with
 * broadcast frames from many source MACs arriving on a few ports.
 * Usage: bench_engine [FRAMES] [MACS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/engine.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long frames = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	unsigned long macs = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	static const char *const ports[] = { "tap10", "tap11", "eth0", "tap12" };
	uint8_t payload[64];
	struct engine_config cfg;

	engine_config_defaults(&cfg);
	struct engine *e = engine_new(&cfg);
	if (!e)
		return 1;
	memset(payload, 0x42, sizeof(payload));

	uint64_t rng = 88172645463325252ULL;
	double t0 = now_s();
	for (unsigned long i = 0; i < frames; i++) {
		struct frame f;
		struct bpdu b;
		memset(&f, 0, sizeof(f));
		f.vlan = -1;
		f.ifindex = -1;
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		bool is_bpdu = i % 100 == 0;
		unsigned port = is_bpdu ? (unsigned)((i / 100) % 2) : (unsigned)(rng % 4);
		uint32_t m = (uint32_t)(rng >> 20) % (uint32_t)macs;
		f.src[0] = 0x52; f.src[1] = 0x54;
		f.src[2] = (uint8_t)(m >> 24); f.src[3] = (uint8_t)(m >> 16);
		f.src[4] = (uint8_t)(m >> 8); f.src[5] = (uint8_t)m;
		payload[0] = (uint8_t)i;
		f.payload = cursor_make(payload, sizeof(payload));
		f.payload_kind = is_bpdu ? PAYLOAD_STP : PAYLOAD_OTHER;
		f.ethertype = is_bpdu ? 0 : 0x0806;
		struct packet pkt = {
			.ts_sec = 1700000000 + (int64_t)(i / 10000),
			.ts_nsec = (uint32_t)((i % 10000) * 100000),
			.number = i + 1,
			.ifname = ports[port],
			.ifindex = -1,
			.direction = is_bpdu ? FRAME_DIR_UNKNOWN : FRAME_DIR_IN,
			.caplen = 64, .wirelen = 64,
			.frame = &f,
		};
		if (is_bpdu) {
			memset(&b, 0, sizeof(b));
			b.status = BPDU_OK;
			b.have = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE | BPDU_HAVE_FLAGS |
				 BPDU_HAVE_PRIORITY | BPDU_HAVE_TIMERS;
			b.type = BPDU_TYPE_CONFIG;
			b.protocol = BPDU_PROTO_STP;
			b.bridge_id = b.root_id = 0x8000525400000001ULL;
			b.port_id = 0x8001;
			b.max_age = 20 * 256; b.hello_time = 2 * 256; b.forward_delay = 15 * 256;
			/* the same BPDU again on the other tap 0.2 ms later: a hub echo */
			payload[0] = (uint8_t)(i / 200);
			engine_frame(e, &pkt, &b);
			pkt.ifname = ports[1 - port];
			pkt.ts_nsec += 200000;
			engine_frame(e, &pkt, &b);
		} else {
			engine_frame(e, &pkt, NULL);
		}
	}
	double t1 = now_s();
	const struct finding_list *l = engine_findings(e);
	double t2 = now_s();
	struct engine_stats st;
	engine_get_stats(e, &st);
	printf("engine: %lu frames in %.3f s: %.1f ns/frame (%.2f M frames/s); "
	       "diagnosis %.2f ms; %u findings; %llu MACs tracked, %llu evicted\n",
	       frames, t1 - t0, (t1 - t0) / (double)frames * 1e9, frames / (t1 - t0) / 1e6,
	       (t2 - t1) * 1e3, l->n, (unsigned long long)st.macs_tracked,
	       (unsigned long long)st.macs_evicted);
	engine_free(e);
	return 0;
}
