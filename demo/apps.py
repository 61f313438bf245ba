from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world of SPEC §8 and the commands a person starts it with (``load_demo``, ``runserver``). Demo
    data is not domain code: nothing in the other apps imports this one."""

    name = "demo"
    verbose_name = "Demo data"
