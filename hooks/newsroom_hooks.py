"""MkDocs hooks: forward each event to the newsroom site, and nothing else.

Only the ``on_*`` names below may start with ``on_``: MkDocs registers every
such callable as an event.
"""

from mkdocs.plugins import event_priority

from newsroom.mkdocs_site import NewsroomSite

site = NewsroomSite()


def on_startup(command, dirty):
    site.startup(command, dirty)


def on_config(config):
    return site.configure(config)


def on_pre_build(config):
    site.read()


@event_priority(50)
def on_files(files, config):
    return site.add_files(files, config)


def on_nav(nav, config, files):
    site.nav_ready(nav, config, files)
    return nav


def on_page_context(context, page, config, nav):
    return site.page_context(context, page)


def on_template_context(context, template_name, config):
    return site.template_context(context, template_name)


def on_post_page(output, page, config):
    site.page_done(page, output)
    return output


def on_env(env, config, files):
    return site.prepare_env(env, config, files)


def on_post_build(config):
    site.post_build(config)


def on_build_error(error):
    site.build_failed(error)


def on_page_markdown(markdown, page, config, files):
    site.page_markdown(page)
    return markdown


def on_page_content(html, page, config, files):
    return site.page_content(html, page)


def on_shutdown():
    site.shutdown()
