#!/usr/bin/python3
"""A live RTSP test camera: H.264 over RTSP from GStreamer's RTSP server (Debian packages
gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base gstreamer1.0-plugins-good
gstreamer1.0-plugins-ugly).

Every frame carries its number, drawn as a row of 16 black or white blocks across the bottom eighth
of the picture (bit 15 on the left; white = 1), as io.emotionstream.ingest.testcamera.FrameNumberBand
draws and reads it, so that a reader can tell which frame it got. Grey elsewhere. The tests of `ingest` start it, kill it, stop it (SIGSTOP) and start it again.

  /usr/bin/python3 scripts/test-camera-rtsp.py --port 8554 [--path /live] [--width 320]
      [--height 240] [--fps 25] [--key-interval 25] [--user NAME --password-file FILE]

The password is read from a file so that it never appears in the process list. Prints
"ready rtsp://127.0.0.1:PORT/PATH" on stdout once it listens.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

BITS = 16


def numbered_frames(width, height):
    """I420 frames: grey, with the frame number as BITS blocks in a band across the bottom eighth."""
    grey, black, white, neutral = 128, 16, 235, 128
    block = width // BITS
    band_top, band_bottom = height - height // 8, height
    grey_row = bytes([grey]) * width
    chroma = bytes([neutral]) * ((width // 2) * (height // 2) * 2)
    top = grey_row * band_top
    bottom = grey_row * (height - band_bottom)
    blocks = {0: bytes([black]) * block, 1: bytes([white]) * block}
    tail = bytes([grey]) * (width - block * BITS)

    def frame(number):
        row = b"".join(blocks[(number >> (BITS - 1 - i)) & 1] for i in range(BITS)) + tail
        return top + row * (band_bottom - band_top) + bottom + chroma

    return frame


class NumberedFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.frame = numbered_frames(args.width, args.height)
        self.number = 0
        self.set_shared(True)

    def do_create_element(self, url):
        a = self.args
        launch = (
            "( appsrc name=source is-live=true do-timestamp=true format=time "
            f"caps=video/x-raw,format=I420,width={a.width},height={a.height},framerate={a.fps}/1 "
            "! videoconvert "
            f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={a.key_interval} "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        return Gst.parse_launch(launch)

    def do_configure(self, media):
        # appsrc asks for data as fast as the encoder takes it: push on a clock instead, frame n
        # at start + n / fps, like a camera
        source = media.get_element().get_child_by_name("source")
        start = GLib.get_monotonic_time()
        pushed = [0]

        def push():
            due = (GLib.get_monotonic_time() - start) * self.args.fps // 1_000_000
            while pushed[0] <= due:
                buffer = Gst.Buffer.new_wrapped(self.frame(self.number % (1 << BITS)))
                buffer.duration = Gst.SECOND // self.args.fps
                self.number += 1
                pushed[0] += 1
                if source.emit("push-buffer", buffer) != Gst.FlowReturn.OK:
                    return False  # the media was shut down (last client left)
            return True

        GLib.timeout_add(max(1, 500 // self.args.fps), push)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/live")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--key-interval", type=int, default=25)
    parser.add_argument("--user")
    parser.add_argument("--password-file")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = NumberedFactory(args)
    if args.user:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read().strip()
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("camera-user", "media.factory.access", True)
        permissions.add_permission_for_role("camera-user", "media.factory.construct", True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr)
        sys.exit(1)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"ready rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
