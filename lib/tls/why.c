/*
 * What a TLS failure means: BearSSL's error numbers mapped to the
 * library's codes and to a line a person can act on.
 */
#include "core/text.h"
#include "tls/tls_int.h"

int nb_tls_code(int be)
{
	if (be == 0)
		return 0;
	if (be == BR_ERR_X509_BAD_SERVER_NAME)
		return -NB_ECERTNAME;
	if (be == BR_ERR_X509_EXPIRED || be == BR_ERR_X509_TIME_UNKNOWN)
		return -NB_ECERTTIME;
	if (be >= BR_ERR_X509_OK && be < BR_ERR_X509_OK + 32)
		return -NB_EUNTRUSTED;
	if (be >= BR_ERR_RECV_FATAL_ALERT && be < BR_ERR_SEND_FATAL_ALERT)
		return -NB_ETLSALERT;
	return -NB_ETLS;
}

/* TLS alert names (RFC 5246 7.2) a server is likely to send. */
static const char *alert_name(int a)
{
	switch (a) {
	case 10: return "unexpected message";
	case 20: return "bad record MAC";
	case 22: return "record overflow";
	case 40: return "handshake failure";
	case 42: return "bad certificate";
	case 43: return "unsupported certificate";
	case 46: return "certificate unknown";
	case 47: return "illegal parameter";
	case 48: return "unknown CA";
	case 50: return "decode error";
	case 51: return "decrypt error";
	case 70: return "protocol version";
	case 71: return "insufficient security";
	case 80: return "internal error";
	case 112: return "unrecognized name";
	default: return "";
	}
}

void nb_tls_note_failure(struct nb_tls *t, int err, int be)
{
	struct nb_tls_client *c = t->cl;
	struct nb_sb b;
	c->stats.failures++;
	c->last_err = err;
	c->last_br_err = be;
	nb_sb_init(&b, c->why, sizeof(c->why) - 1);
	if (err == -NB_ETLSTRUNC) {
		nb_sb_str(&b, "server closed the connection in the middle of "
			      "a TLS record");
	} else if (be == BR_ERR_X509_TIME_UNKNOWN) {
		nb_sb_str(&b, "no time to check the certificate against");
	} else if (be >= BR_ERR_RECV_FATAL_ALERT &&
		   be < BR_ERR_SEND_FATAL_ALERT) {
		int a = be - BR_ERR_RECV_FATAL_ALERT;
		nb_sb_str(&b, "server sent TLS alert ");
		nb_sb_dec(&b, (unsigned)a);
		nb_sb_str(&b, " (");
		nb_sb_str(&b, alert_name(a));
		nb_sb_str(&b, ")");
	} else if (err == -NB_ETIMEDOUT) {
		nb_sb_str(&b, "TLS handshake timed out");
	} else {
		nb_sb_str(&b, nb_strerror(err));
		if (be) {
			nb_sb_str(&b, be >= BR_ERR_X509_OK &&
					      be < BR_ERR_X509_OK + 32
					  ? " (X.509 error "
					  : " (BearSSL error ");
			nb_sb_dec(&b, (unsigned)be);
			nb_sb_str(&b, ")");
		}
	}
	c->why[b.n] = 0;
}

const char *nb_tls_why(const struct nb_tls_client *c)
{
	return c && c->last_err ? c->why : "";
}

int nb_tls_error(const struct nb_tls_client *c)
{
	return c ? c->last_br_err : 0;
}
