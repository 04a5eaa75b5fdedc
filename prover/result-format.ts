/** The result file's format tag, in a module of its own so that the web page can import it without every kind. */
export const RESULT_FORMAT = 'meterproof-result/1';
