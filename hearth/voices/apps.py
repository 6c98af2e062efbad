from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "hearth.voices"
    label = "voices"
    verbose_name = "The child's voice after the scene"

    def ready(self) -> None:
        # The child's page (incidents) and safeguarding record (the ledger core), both in
        # lower layers, show the latest entries and link to recording one.
        from hearth.incidents.views import pages
        from hearth.obligations.views import detail
        from hearth.voices.views import child_page_context, child_record_context

        if child_page_context not in pages.CHILD_PAGE_EXTRAS:
            pages.CHILD_PAGE_EXTRAS.append(child_page_context)
        if child_record_context not in detail.CHILD_RECORD_EXTRAS:
            detail.CHILD_RECORD_EXTRAS.append(child_record_context)
