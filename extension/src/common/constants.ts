/** Names shared by the extension's modules: the server's package, its versions, ids. */

export const EXTENSION_NAME = 'CodeCRDT';
export const SERVER_ID = 'codecrdt';
/** The Python package (and module) that is the language server. */
export const SERVER_MODULE = 'codecrdt';
/** The oldest server this extension speaks to; a server must also share its major.minor. */
export const MINIMUM_SERVER_VERSION = '0.1.0';
/** Python versions older than this cannot run the server. */
export const MINIMUM_PYTHON = '3.11';
/** The languages the server analyses and agents can write. */
export const LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
/** The agent counts `Generate File in Parallel…` offers. */
export const AGENT_CHOICES = [1, 2, 3, 5, 8];
