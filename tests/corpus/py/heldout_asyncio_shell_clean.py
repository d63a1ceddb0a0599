"""Look-alikes: fixed shell commands, argv lists of constants, a method that is only named alike."""
import asyncio


async def disk_usage():
    proc = await asyncio.subprocess.create_subprocess_shell("df -h /", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    return out


def list_jobs(loop, factory):
    command = "ls /var/spool/jobs"
    return loop.run_until_complete(loop.subprocess_shell(factory, command))


async def version(loop):
    await loop.subprocess_exec(asyncio.SubprocessProtocol, "git", "--version")


class FakeLoop:
    def subprocess_shell(self, factory, cmd):
        return None
