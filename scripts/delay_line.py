#!/usr/bin/env python3
"""A one-way delay line between two TUN devices, for scripts/multi-region.sh: every IP packet the kernel routes into
IN comes out of OUT DELAY_MS later, in order. This machine's kernel has no netem, so the link between two regions'
network namespaces is emulated here: a router namespace sends all traffic between the regions through IN, and the
packets re-enter its routing from OUT.
  delay_line.py IN OUT DELAY_MS
"""
import asyncio
import collections
import fcntl
import os
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    tun_in, tun_out, delay = open_tun(sys.argv[1]), open_tun(sys.argv[2]), float(sys.argv[3]) / 1000
    loop = asyncio.new_event_loop()
    queue = collections.deque()
    timer = None

    def release():
        nonlocal timer
        timer = None
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            try:
                os.write(tun_out, queue.popleft()[1])
            except BlockingIOError:
                pass  # the kernel's queue is full: a dropped packet, as on a real link; TCP resends it
        if queue:
            timer = loop.call_at(queue[0][0], release)

    def receive():
        nonlocal timer
        while True:
            try:
                packet = os.read(tun_in, 65535)
            except BlockingIOError:
                break
            queue.append((time.monotonic() + delay, packet))
        if timer is None and queue:
            timer = loop.call_at(queue[0][0], release)

    loop.add_reader(tun_in, receive)
    print("delay line up", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
