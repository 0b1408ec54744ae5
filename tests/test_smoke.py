from conftest import release_text


def test_sample_site_has_the_icnk_release(sample_site):
    page = sample_site.html("news/2020/03/03/south-korea-stand-with-north-korean-victims/")
    assert page.findtext(".//h1") == "South Korea: Stand With North Korean Victims"


def test_project_builds_a_fixture_release(project):
    project.release("2021-01-02-hello.md", release_text(title="Hello", date="2021-01-02"))
    build = project.build()
    assert build.returncode == 0, build.log
    assert build.exists("news/2021/01/02/hello/")
