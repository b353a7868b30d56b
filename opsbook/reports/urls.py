from . import urls_exports, urls_pages, urls_workflow

app_name = "reports"

# Pages (draft view, sections, templates), workflow (submit … publish, feedback, governance)
# and downloads, each in its own module.
urlpatterns = [*urls_pages.urlpatterns, *urls_workflow.urlpatterns, *urls_exports.urlpatterns]
