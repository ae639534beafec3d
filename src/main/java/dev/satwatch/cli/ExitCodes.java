package dev.satwatch.cli;

/**
 * Process exit codes of the CLI (sysexits.h values where one fits), documented in the README.
 *
 * <ul>
 *   <li>0: success
 *   <li>1: the command ran but found nothing it could fit
 *   <li>2: usage error (bad flag or value; picocli's default)
 *   <li>65: the input data is malformed ({@code EX_DATAERR})
 *   <li>66: an input file cannot be opened ({@code EX_NOINPUT})
 *   <li>69: Kafka cannot be reached or refused the records ({@code EX_UNAVAILABLE})
 *   <li>74: an output file cannot be written ({@code EX_IOERR})
 * </ul>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int NOTHING_FITTED = 1;
    public static final int USAGE = 2;
    public static final int DATA_ERROR = 65;
    public static final int NO_INPUT = 66;
    public static final int UNAVAILABLE = 69;
    public static final int IO_ERROR = 74;

    private ExitCodes() {}
}
