# SPDX-License-Identifier: GPL-3.0-or-later
# The layer effects of an XCF file, through GIMP 3's own API (run inside
# gimp-console-3.0 by the python-fu-eval batch interpreter:
#   -b "exec(open('effects.py').read())"
# with its arguments in the environment):
#   SKC_EFFECT_XCF     the file to open
#   SKC_EFFECT_RADIUS  when set, the first effect's radius is changed to it
#                      (its config, then GimpDrawableFilter.update: what
#                      GIMP's own filter dialog does on an edit)
#   SKC_EFFECT_PNG     when set, the image is exported there afterwards
#   SKC_EFFECT_SAVE    when set, the image is saved there as XCF
# Prints "effects N", then per effect "effect OP radius=R shape=S
# kernel-file=PATH shape-data=FIRST-20-CHARACTERS
# filter-data=FIRST-20-CHARACTERS preset=PATH".
import os

import gi

gi.require_version('Gimp', '3.0')
from gi.repository import Gimp, Gio  # noqa: E402


def describe(f):
    config = f.get_config()
    names = [p.name for p in config.list_properties()]

    def value(name):
        return config.get_property(name) if name in names else '(none)'

    data = value('shape-data') or ''
    filter_data = value('filter-data') or ''
    return ('effect %s radius=%s shape=%s kernel-file=%s shape-data=%s '
            'filter-data=%s preset=%s') % (
        f.get_operation_name(), value('radius'), value('shape'),
        value('kernel-file'), data[:20], filter_data[:20], value('preset'))


def run():
    env = os.environ
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE,
                           Gio.File.new_for_path(env['SKC_EFFECT_XCF']))
    layer = image.get_layers()[0]
    filters = layer.get_filters()
    print('effects %d' % len(filters))
    if filters and env.get('SKC_EFFECT_RADIUS'):
        filters[0].get_config().set_property('radius',
                                             float(env['SKC_EFFECT_RADIUS']))
        filters[0].update()
    for f in layer.get_filters():
        print(describe(f))
    for key in ('SKC_EFFECT_PNG', 'SKC_EFFECT_SAVE'):
        if env.get(key):
            Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, image,
                           Gio.File.new_for_path(env[key]), None)


run()
