# The project's Jupyter server configuration. src/setup/lab.sh (`npm run lab`, and so the browser
# test) puts this folder on JUPYTER_CONFIG_PATH, so it is loaded on top of the user's own.
#
# HTML export. JupyterLab 4 asks "Sanitize HTML output" (ticked by default) before File > Save and
# Export Notebook As > HTML and then requests /nbconvert/html/<path>?sanitize_html=true. nbconvert's
# sanitizer (bleach, allowing only table/tr/td of the table tags and only class/id attributes)
# escapes <caption>, <thead>, <th> and <tbody> into visible text and drops every inline style, so
# each table the notebooks show (`showTable`) comes out garbled. Sanitising exists for outputs the
# user has not produced; a notebook whose signature Jupyter trusts (its outputs were computed by this
# user, as after running it in JupyterLab and saving) is exported as JupyterLab displays it, i.e.
# unsanitised, whatever the dialog sent. Untrusted notebooks are still sanitised when asked.
# test/browser/jupyterlab.browser.ts checks the exported tables and charts.
import nbformat
from jupyter_server.nbconvert.handlers import NbconvertFileHandler

c = get_config()  # noqa: F821 (defined by traitlets when this file is loaded)
c.HTMLExporter.sanitize_html = False  # nbconvert's default, stated: also for `jupyter nbconvert`

_get_argument = NbconvertFileHandler.get_argument


def _get_argument_trusting_signed(self, name, *args, **kwargs):
    value = _get_argument(self, name, *args, **kwargs)
    if name != 'sanitize_html' or value is None or value.lower() != 'true':
        return value
    try:
        path = self.path_kwargs['path'].strip('/')
        os_path = self.contents_manager._get_os_path(path)
        trusted = self.contents_manager.notary.check_signature(nbformat.read(os_path, as_version=4))
    except Exception as err:  # unreadable or not a file: keep what the client asked for
        self.log.warning('nbconvert: cannot check the signature of %s (%s): sanitising as asked', self.request.path, err)
        return value
    if trusted:
        self.log.info('nbconvert: %s is trusted (signed): exporting HTML unsanitised', path)
        return 'false'
    self.log.info('nbconvert: %s is not trusted: sanitising as asked', path)
    return value


NbconvertFileHandler.get_argument = _get_argument_trusting_signed
