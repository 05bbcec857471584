/* A switch's access port on VLAN VID, as tc eBPF on the server's veth:
 * what the server sends leaves tagged, and only frames tagged VID reach
 * it, untagged.  This kernel has no 8021q module (no `type vlan` links)
 * and no act_vlan, but cls_bpf with the vlan push/pop helpers. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#define SEC(n) __attribute__((section(n), used))

static long (*skb_vlan_push)(struct __sk_buff *skb, __u16 proto,
			     __u16 tci) = (void *)BPF_FUNC_skb_vlan_push;
static long (*skb_vlan_pop)(struct __sk_buff *skb) = (void *)BPF_FUNC_skb_vlan_pop;

SEC("egress") int tag(struct __sk_buff *skb)
{
	return skb_vlan_push(skb, __builtin_bswap16(0x8100), VID) ? TC_ACT_SHOT
								   : TC_ACT_OK;
}

/* On ingress the kernel has already moved the tag into the metadata. */
SEC("ingress") int untag(struct __sk_buff *skb)
{
	if (!skb->vlan_present || (skb->vlan_tci & 0xfff) != VID)
		return TC_ACT_SHOT;
	return skb_vlan_pop(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
