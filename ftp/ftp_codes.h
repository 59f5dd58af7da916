/*
 * ftp_codes.h - FTP reply codes by name (RFC 959 section 4.2, RFC 2428, RFC 3659).
 *
 * The first digit says how the command went: 1 preliminary (more replies
 * follow), 2 done, 3 send more, 4 failed for now, 5 failed for good. A
 * client needs only that digit; people read the text after it.
 */
#ifndef NETDEMO_FTP_CODES_H
#define NETDEMO_FTP_CODES_H

enum ftp_code {
    FTP_DATA_OPENING = 150,     /* file status okay; opening data connection */
    FTP_OK = 200,               /* command okay */
    FTP_NOT_NEEDED = 202,       /* command not implemented, superfluous here */
    FTP_STAT_OK = 211,          /* system status, FEAT, STAT */
    FTP_STAT_FILE = 213,        /* file status: SIZE, MDTM, STAT path */
    FTP_HELP = 214,             /* help message */
    FTP_SYSTEM = 215,           /* NAME system type */
    FTP_GREETING = 220,         /* service ready for new user */
    FTP_GOODBYE = 221,          /* closing control connection */
    FTP_ABOR_NO_TRANSFER = 225, /* data connection open; no transfer */
    FTP_TRANSFER_OK = 226,      /* closing data connection; transfer done */
    FTP_PASV_OK = 227,          /* entering passive mode (h1,h2,h3,h4,p1,p2) */
    FTP_EPSV_OK = 229,          /* entering extended passive mode (|||port|) */
    FTP_LOGGED_IN = 230,        /* user logged in */
    FTP_FILE_OK = 250,          /* requested file action okay, completed */
    FTP_PATH_CREATED = 257,     /* "PATHNAME" created; also PWD */
    FTP_NEED_PASS = 331,        /* user name okay, need password */
    FTP_REST_OK = 350,          /* REST accepted, or RNFR: ready for RNTO */
    FTP_NOT_AVAILABLE = 421,    /* service not available, closing */
    FTP_CANT_OPEN_DATA = 425,   /* can't open data connection */
    FTP_TRANSFER_ABORTED = 426, /* connection closed; transfer aborted */
    FTP_FILE_BUSY = 450,        /* file unavailable (busy) */
    FTP_LOCAL_ERROR = 451,      /* local error in processing */
    FTP_SYNTAX_ERROR = 500,     /* unrecognised command, or line too long */
    FTP_ARG_ERROR = 501,        /* syntax error in parameters */
    FTP_NOT_IMPLEMENTED = 502,  /* command not implemented (or --disable'd) */
    FTP_BAD_SEQUENCE = 503,     /* bad sequence of commands */
    FTP_BAD_PARAMETER = 504,    /* not implemented for that parameter */
    FTP_NOT_LOGGED_IN = 530,    /* not logged in / login incorrect */
    FTP_BAD_NET_PROTO = 522,    /* EPRT/EPSV: network protocol not supported (RFC 2428) */
    FTP_FILE_UNAVAILABLE = 550, /* no such file, no access */
    FTP_NAME_NOT_ALLOWED = 553, /* file name not allowed */
};

#endif
