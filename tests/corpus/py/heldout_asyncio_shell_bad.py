"""CWE-78: an asyncio job runner that hands a caller's command line to a shell."""
import asyncio
from flask import request


async def run_backup(target_dir):
    proc = await asyncio.subprocess.create_subprocess_shell(f"tar czf /backups/out.tgz {target_dir}")
    return await proc.wait()


def run_in_loop(loop, factory, command):
    return loop.run_until_complete(loop.subprocess_shell(factory, command))


async def convert():
    name = request.args["name"]
    loop = asyncio.get_running_loop()
    await loop.subprocess_exec(asyncio.SubprocessProtocol, "convert", name, "out.png")
