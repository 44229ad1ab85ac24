"""The `sitegen` command: every user-facing message and exit code is decided in this package.

One module per family of commands (build, check and clean; init and new; serve; deploy), over
console.py (messages, progress, exit codes), options.py and summary.py, which they share.
"""

from __future__ import annotations

import atexit
import gc

import click

from sitegen import __version__
from sitegen.cli.build import build_command, check_command, clean_command
from sitegen.cli.create import init_command, new_command
from sitegen.cli.deploy import deploy_command
from sitegen.cli.images import images_command
from sitegen.cli.listing import list_command
from sitegen.cli.serve import serve_command

# The interpreter's last collection walks every object still held (pypinyin's ~200,000 lists, the
# build's memos) to find no garbage: ~0.3 s at the end of a build of 3,000 articles. Frozen, it
# walks none of them (a forked worker ends without it).
atexit.register(gc.freeze)


@click.group(
    commands=[
        build_command,
        check_command,
        clean_command,
        deploy_command,
        images_command,
        init_command,
        list_command,
        new_command,
        serve_command,
    ],
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen turns a folder of Hexo-style articles into a fast, searchable static site.

    \b
    Start here:
      sitegen init mysite          a new site folder with one example article
      sitegen new "标题"           a new article in content/ (like `hexo new`)
      sitegen build                build content/ into build/
      sitegen check                find every problem in content/ without writing anything
      sitegen list held            what is held back (drafts, future, held, all), as CSV

    Problems are shown as `path:line: message`. A failed build never touches the previous output.
    """
