/* Internals shared by the SNP driver's files. */
#ifndef NB_LIB_SNP_INT_H
#define NB_LIB_SNP_INT_H

#include "netboot/snp.h"

/* The shortest frame put on the wire: 60 bytes before the FCS.  We copy
 * every frame anyway, so padding here costs nothing and spares us
 * firmware that forgets to pad runts. */
#define NB_SNP_MIN_FRAME 60

int nb_snp_transmit(void *drv, const void *frame, size_t len);
int nb_snp_receive(void *drv, void *buf, size_t cap);

#endif
